import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { openInspector, poll, SHOTS, signIn, suiteBrowser } from "./harness/inspector-browser.ts";

/**
 * The inspector in a real headless Chromium (Debian's `chromium`, driven by playwright-core)
 * against the suite's `wrangler dev`: sign-in, a wrong token, an entity's state; nothing loads
 * from anywhere but the Worker. Screenshots go to test/e2e/screenshots/ (not committed).
 */
const base = inject("baseUrl");
const adminToken = inject("adminToken");
const browser = suiteBrowser();

/** A page that records every request it makes, to check none leaves the Worker. */
async function open(): Promise<{ page: Page; requests: string[] }> {
  const requests: string[] = [];
  const page = await openInspector(browser(), base, { before: (p) => Promise.resolve(p.on("request", (r) => void requests.push(r.url()))) });
  return { page, requests };
}


describe("the inspector in a real browser", () => {
  it("refuses a wrong token plainly, and keeps it out of the page", async () => {
    const { page } = await open();
    await signIn(page, "not-the-token");
    await poll(() => page.locator("#signin-error").textContent()).toContain("401");
    expect(await page.locator("#app").isHidden()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.screenshot({ path: join(SHOTS, "sign-in-refused.png"), fullPage: true });
    await page.close();
  });

  it("signs in, shows the overview, and reads an entity's state", async () => {
    const key = `inspect-${crypto.randomUUID().slice(0, 8)}`;
    const sent = await fetch(`${base}/v1/entities/Counter/${key}/increment`, { method: "POST", headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json", "idempotency-key": "inspector-1" }, body: '{"by":7}' });
    expect(sent.status).toBe(200);
    const { page, requests } = await open();
    const firstPaint = () => page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1);
    await poll(firstPaint).toBeGreaterThan(0);
    const paint = await firstPaint();
    await signIn(page, adminToken);
    await poll(() => page.locator("#types tbody tr").count()).toBeGreaterThan(0);
    await poll(() => page.locator("#health").textContent()).not.toBe("…");
    await page.screenshot({ path: join(SHOTS, "overview.png"), fullPage: true });
    await page.getByLabel("Type", { exact: true }).selectOption("Counter");
    await page.getByLabel("Key").fill(key);
    await page.getByRole("button", { name: "Show", exact: true }).click();
    await poll(() => page.locator("#entity-state").textContent()).toContain('"value": 7');
    expect(await page.locator("#entity-version").textContent()).toBe("1");
    expect(await page.locator("#entity-recent tbody").textContent()).toContain("inspector-1");
    await page.locator("#panel-entity").screenshot({ path: join(SHOTS, "entity.png") });
    expect(requests.filter((url) => !url.startsWith(base))).toEqual([]);
    const js = await (await fetch(`${base}/inspector/app.js`)).text();
    console.log(`[report] inspector: app.js ${String(Buffer.byteLength(js))} bytes; first contentful paint ${paint.toFixed(0)} ms`);
    await page.close();
  });

  it("triggers a task and shows its run without a reload", async () => {
    const { page } = await open();
    await signIn(page, adminToken);
    await page.getByLabel("Singleton").fill("default");
    await page.getByRole("button", { name: "Show tasks" }).click();
    await poll(() => page.locator("#tasks tbody").textContent()).toContain("heartbeat");
    const before = await page.evaluate(() => performance.getEntriesByType("navigation").length);
    await page.getByRole("button", { name: "Trigger heartbeat" }).click();
    await poll(() => page.locator("#runs-caption").textContent()).toBe("Runs of heartbeat");
    await poll(() => page.locator("#runs tbody tr").first().textContent()).toContain("succeeded");
    expect(await page.evaluate(() => performance.getEntriesByType("navigation").length)).toBe(before);
    await page.locator("#panel-tasks").screenshot({ path: join(SHOTS, "tasks.png") });
    await page.close();
  });
});

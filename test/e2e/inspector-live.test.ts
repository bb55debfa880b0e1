import { join } from "node:path";
import type { Page } from "playwright-core";
import { poll, SHOTS, signedInPage, suiteBrowser } from "./harness/inspector-browser.ts";
import { describe, expect, inject, it } from "vitest";

/**
 * The inspector's overview follows the admin activity stream: counters, the errors by code and the
 * chart change without a reload, at most once a second (headless Chromium against `wrangler dev`).
 */
const base = inject("baseUrl");
const adminToken = inject("adminToken");
const browser = suiteBrowser();

const send = (type: string, key: string, message: string, body: unknown) =>
  fetch(`${base}/v1/entities/${type}/${key}/${message}`, { method: "POST", headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" }, body: JSON.stringify(body) });
const number = async (page: Page, id: string) => Number((await page.locator(`#${id}`).textContent())?.replace(/[^\d]/g, "") ?? "");

describe("the inspector's live overview", () => {
  it("shows messages, errors by code and the chart moving without a reload, at most once a second", async () => {
    const tenant = await fetch(`${base}/v1/tenants`, { method: "POST", headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" }, body: JSON.stringify({ id: `live-${crypto.randomUUID().slice(0, 8)}`, name: "Live", plan: "free" }) });
    expect(tenant.status).toBe(201);
    const page = await signedInPage(browser(), base, adminToken);
    await poll(() => page.locator("#overview-at").textContent()).not.toBe("never");
    const navigations = await page.evaluate(() => performance.getEntriesByType("navigation").length);
    const before = await number(page, "overview-total");
    const key = `live-${crypto.randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 6; i++) expect((await send("Counter", key, "increment", { by: 1 })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await send("Account", key, "withdraw", { amount: 5 })).status).toBe(409);
    // The 15-minute total only grows during the suite (the last minute's count slides).
    await poll(() => number(page, "overview-total")).toBeGreaterThanOrEqual(before + 9);
    await poll(() => page.locator("#overview-codes tbody").textContent()).toContain("insufficient_funds");
    expect(await page.locator("#overview-events tbody").textContent()).toContain("counter.incremented");
    expect(await page.locator("#types tbody").textContent()).toContain("Counter");
    const points = (await page.locator("#overview-chart polyline.chart-messages").getAttribute("points"))?.split(" ") ?? [];
    expect(points).toHaveLength(90);
    expect(await page.locator("#overview-chart polyline.chart-errors").count()).toBe(1);
    expect(await page.locator("#overview-now").textContent()).toMatch(/^Last minute: [\d.]+ messages\/s, [\d.]+ errors\/s$/);
    expect(await page.locator("#overview-tenants tbody").textContent()).toContain("active");

    // Updates come from the stream, each second at most: count the chart's redraws over 4 s.
    const redraws = await page.evaluate(async () => {
      let n = 0;
      const chart = document.getElementById("overview-chart");
      const observer = new MutationObserver(() => void n++);
      if (chart) observer.observe(chart, { childList: true });
      await new Promise((r) => setTimeout(r, 4_000));
      observer.disconnect();
      return n;
    });
    expect(redraws).toBeGreaterThanOrEqual(2);
    expect(redraws).toBeLessThanOrEqual(5);
    expect(await page.evaluate(() => performance.getEntriesByType("navigation").length)).toBe(navigations);
    await page.locator("#panel-overview").screenshot({ path: join(SHOTS, "overview-live.png") });
    await page.close();
  });
});

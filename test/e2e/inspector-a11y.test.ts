import { openInspector, poll, suiteBrowser } from "./harness/inspector-browser.ts";
import { describe, expect, inject, it } from "vitest";

/**
 * Accessibility basics of the whole inspector page, in headless Chromium: every control has a
 * name, the page works from the keyboard alone, and tables have captions and column headers.
 */
const base = inject("baseUrl");
const adminToken = inject("adminToken");
const browser = suiteBrowser();

describe("the inspector's accessibility basics", () => {
  it("signs in from the keyboard, and every control, table and chart is named", async () => {
    const page = await openInspector(browser(), base);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("token");
    await page.keyboard.type(adminToken);
    await page.keyboard.press("Enter");
    await poll(() => page.locator("#app").isVisible()).toBe(true);
    // Each panel is reachable from the menu by keyboard.
    const links = await page.locator("nav a").all();
    expect(links.length).toBeGreaterThanOrEqual(4);
    for (const link of links) {
      const target = (await link.getAttribute("href")) ?? "";
      await link.focus();
      await page.keyboard.press("Enter");
      await poll(() => page.evaluate(() => location.hash)).toBe(target);
      expect(await page.locator(target).count()).toBe(1);
    }
    // The controls made after sign-in too: an entity's message form, the jobs list, a tenant's page.
    await page.getByLabel("Key", { exact: true }).fill("a11y");
    await page.getByRole("button", { name: "Show", exact: true }).click();
    await poll(() => page.locator("#entity-fields input, #entity-fields textarea, #entity-fields select").count()).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Show jobs" }).click();
    await page.getByRole("button", { name: "Show sagas" }).click();
    const tenant = page.locator("#tenants tbody button").first();
    if ((await tenant.count()) > 0) await tenant.click();
    const unnamed = await page.evaluate(() => {
      const bad: string[] = [];
      for (const el of document.querySelectorAll<HTMLElement>("input, select, textarea, button")) {
        const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || (el.tagName === "BUTTON" && el.textContent?.trim());
        if (!labelled) bad.push(el.outerHTML.slice(0, 120));
      }
      for (const t of document.querySelectorAll("table")) if (!t.querySelector("caption") || t.querySelectorAll("th[scope=col]").length === 0) bad.push(`table#${t.id}`);
      for (const s of document.querySelectorAll("svg")) if (!s.getAttribute("aria-label") && !s.getAttribute("aria-labelledby") && s.getAttribute("aria-hidden") !== "true") bad.push(`svg#${s.id}`);
      return bad;
    });
    expect(unnamed).toEqual([]);
    await page.close();
  });
});

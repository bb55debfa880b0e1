import { chromium } from "playwright-core";
import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { showSpread, spread } from "./method.ts";

/**
 * The inspector page as an operator meets it, in headless Chromium through `wrangler dev` (its
 * proxy included): `loads` fresh pages, each already signed in (the token in sessionStorage), and
 * per load the first contentful paint (the shell) and the time until the overview shows its
 * entity types and first activity snapshot. Also the page's script size. Prints median (min–max).
 */
export async function benchInspectorPage(dev: WranglerDev, loads = 15): Promise<void> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const paint: number[] = [], overview: number[] = [];
    for (let i = -2; i < loads; i++) {
      const context = await browser.newContext();
      await context.addInitScript((token: string) => sessionStorage.setItem("durable-cluster.inspector.token", token), dev.adminToken);
      const page = await context.newPage();
      await page.goto(`${dev.url}/inspector`);
      await page.waitForFunction(() => document.querySelectorAll("#types tbody tr").length > 0 && document.getElementById("overview-at")?.textContent !== "never");
      const [fcp, filled] = await page.evaluate(() => [performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1, performance.now()]);
      if (i >= 0) {
        paint.push(fcp ?? -1);
        overview.push(filled ?? -1);
      }
      await context.close();
    }
    const js = await (await fetch(`${dev.url}/inspector/app.js`)).text();
    console.log(`inspector page, ${String(loads)} fresh loads in headless Chromium through wrangler dev; median (min–max):`);
    console.log(`  first contentful paint: ${showSpread(spread(paint), 0)} ms`);
    console.log(`  overview filled (entity types and the first activity snapshot): ${showSpread(spread(overview), 0)} ms`);
    console.log(`  app.js: ${Buffer.byteLength(js).toLocaleString("en")} bytes (${(Buffer.byteLength(js) / 1024).toFixed(1)} KB)`);
  } finally {
    await browser.close();
  }
}

import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";

/**
 * The inspector's browser tests share this: Debian's `chromium` driven by playwright-core, a page
 * opened on `/inspector` (asserting the shell's status and CSP), and a sign-in with a token.
 * Screenshots go to test/e2e/screenshots/ (git-ignored, kept as CI artifacts).
 */
export const SHOTS = resolve(import.meta.dirname, "../screenshots");

export function launchBrowser(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
}

/** Waits on the page: the Worker shares two cores with the rest of the suite, so a second is not always enough (30 s, under the 60-s test timeout). */
export const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 30_000 });

export interface OpenOptions {
  readonly width?: number;
  /** Called before the page loads (say, to route or cut a request). */
  readonly before?: (page: Page) => Promise<unknown>;
}

/** A fresh page on the inspector's shell, not signed in. */
export async function openInspector(browser: Browser, base: string, options: OpenOptions = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 1100, height: 900 } });
  await options.before?.(page);
  const res = await page.goto(`${base}/inspector`);
  expect(res?.status()).toBe(200);
  expect(res?.headers()["content-security-policy"]).toContain("default-src 'none'");
  return page;
}

/** Types the token into the sign-in form and submits it. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel("Admin token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A page signed in with `token`, its panels shown. */
export async function signedInPage(browser: Browser, base: string, token: string, options: OpenOptions = {}): Promise<Page> {
  const page = await openInspector(browser, base, options);
  await signIn(page, token);
  await poll(async () => (await page.locator("#app").isVisible()) || (await page.locator("#signin-error").textContent())).toBe(true);
  return page;
}

/** One browser for the calling test file: launched before its tests, closed after them. */
export function suiteBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("the browser is launched in beforeAll");
    return browser;
  };
}

/** A locator's text for a poll: null at once (not after the 30-s action timeout) while it is not there. */
export const text = (locator: Locator): Promise<string | null> => locator.textContent({ timeout: 1_000 }).catch(() => null);

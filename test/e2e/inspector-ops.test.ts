import { join } from "node:path";
import type { Page } from "playwright-core";
import { poll, SHOTS, signedInPage, suiteBrowser, text } from "./harness/inspector-browser.ts";
import { describe, expect, inject, it } from "vitest";
import { eventually } from "../eventually.ts";

/**
 * The inspector's jobs and events panels in a real headless Chromium against the suite's
 * `wrangler dev`: a dead job retried from the page runs again, a dead letter replayed from the
 * page is redelivered. Each test first checks through the API that its job or letter is dead, so
 * neither can pass on an empty page. Screenshots go to test/e2e/screenshots/ (not committed).
 */
const base = inject("baseUrl");
const adminToken = inject("adminToken");
const headers = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };

const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
const get = async <T>(path: string): Promise<T> => (await (await fetch(`${base}${path}`, { headers })).json()) as T;
type Job = { id: string; status: string; attempts: number; lastError: string | null; result?: unknown };
type Dead = { id: string; attempts: number; error: { message: string }; event: { partitionKey?: string; payload: unknown } | null };

const browser = suiteBrowser();

/** A signed-in page; without `live`, the activity stream is cut, so only the page's own actions refresh a list. */
const open = (live = true): Promise<Page> => signedInPage(browser(), base, adminToken, { width: 1400, before: async (page) => (live ? undefined : page.route("**/v1/activity/stream", (route) => route.abort())) });

const navigations = (page: Page) => page.evaluate(() => performance.getEntriesByType("navigation").length);

describe("the inspector's jobs and events panels in a real browser", () => {
  it("retries a dead job from the page: its status changes in place and it runs again", async () => {
    const submitted = await post("/v1/jobs", { type: "demo.flaky", input: { failures: 2 }, maxAttempts: 2, key: `ops-${crypto.randomUUID()}` });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    await eventually(async () => (await get<Job>(`/v1/jobs/${id}`)).status === "dead", 30_000, `job ${id} dead`);
    expect(await get<Job>(`/v1/jobs/${id}`)).toMatchObject({ status: "dead", attempts: 2, lastError: "Error: planned failure 2 of 2" });

    const page = await open();
    await poll(() => page.locator("#jobs-counts tbody td").allTextContents()).toHaveLength(6);
    await page.getByLabel("Job status", { exact: true }).selectOption("dead");
    await page.getByLabel("Job type", { exact: true }).fill("demo.flaky");
    await page.getByRole("button", { name: "Show jobs" }).click();
    const row = page.locator("#jobs tbody tr", { hasText: id });
    await poll(() => text(row.locator("td").nth(2))).toBe("dead");
    expect(await row.locator("td").nth(5).textContent()).toBe("Error: planned failure 2 of 2");
    await page.getByRole("button", { name: `Attempts of ${id}` }).click();
    await poll(() => text(page.locator("#jobs-attempts-count"))).toBe("2 of at most 2");
    expect(await page.locator("#jobs-attempts-error").textContent()).toBe("Error: planned failure 2 of 2");
    // Each attempt with how it ended and its own error, newest first.
    const attempts = () => page.locator("#jobs-history tbody tr").evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent ?? "").filter((_, i) => i !== 2 && i !== 3)));
    expect(await attempts()).toEqual([["2", "dead", "Error: planned failure 2 of 2"], ["1", "failed", "Error: planned failure 1 of 2"]]);
    await page.locator("#panel-jobs").screenshot({ path: join(SHOTS, "jobs.png") });

    const before = await navigations(page);
    await page.getByRole("button", { name: `Retry ${id}` }).click();
    await poll(() => text(row.locator("td").nth(2))).toMatch(/^(pending|running|completed)$/);
    expect(await page.getByRole("button", { name: `Retry ${id}` }).count()).toBe(0);
    expect(await navigations(page)).toBe(before);
    await eventually(async () => (await get<Job>(`/v1/jobs/${id}`)).status === "completed", 30_000, `job ${id} completed`);
    expect(await get<Job>(`/v1/jobs/${id}`)).toMatchObject({ status: "completed", attempts: 3, result: { succeededOnAttempt: 3 } });
    await page.getByRole("button", { name: `Attempts of ${id}` }).click();
    await poll(() => text(page.locator("#jobs-attempts-status"))).toBe("completed");
    expect(await page.locator("#jobs-attempts-count").textContent()).toBe("3 of at most 4");
    expect((await attempts())[0]).toEqual(["3", "completed", ""]);
    await page.close();
  });

  it("cancels a pending job from the page", async () => {
    const submitted = await post("/v1/jobs", { type: "demo.echo", input: { message: "later" }, delayMs: 600_000, key: `ops-${crypto.randomUUID()}` });
    const { id } = (await submitted.json()) as { id: string };
    expect(await get<Job>(`/v1/jobs/${id}`)).toMatchObject({ status: "pending" });
    const page = await open();
    await page.getByLabel("Job status", { exact: true }).selectOption("pending");
    await page.getByLabel("Job type", { exact: true }).fill("demo.echo");
    await page.getByRole("button", { name: "Show jobs" }).click();
    const row = page.locator("#jobs tbody tr", { hasText: id });
    await poll(() => text(row.locator("td").nth(4))).toContain("; next run ");
    await page.getByRole("button", { name: `Cancel ${id}` }).click();
    await poll(() => text(row.locator("td").nth(2))).toBe("cancelled");
    expect(await row.getByRole("button", { name: `Retry ${id}` }).count()).toBe(1);
    expect(await get<Job>(`/v1/jobs/${id}`)).toMatchObject({ status: "cancelled", attempts: 0 });
    await page.close();
  });

  it("shows a new dead letter without a click, and replays it from the page: it leaves the list and is delivered", async () => {
    const pk = `ops-dlq-${crypto.randomUUID()}`;
    const filter = async (page: Page) => {
      await page.getByLabel("Event type", { exact: true }).fill("demo.ping");
      await page.getByLabel("Subscription", { exact: true }).fill("ping-log");
      await Promise.all([page.waitForResponse((r) => r.url().includes("/v1/events/dead?")), page.getByRole("button", { name: "Refresh dead letters and streams" }).click()]);
    };
    // A live page, its list read before the event exists: only the activity stream can bring the letter in.
    const live = await open();
    await filter(live);
    await post(`/v1/entities/PingLog/${pk}/block`, { n: 1 });
    expect((await post("/v1/events", { type: "demo.ping", payload: { n: 1 }, partitionKey: pk })).status).toBe(202);
    const deadOf = async () => (await get<{ items: Dead[] }>("/v1/events/dead?type=demo.ping&subscription=ping-log&limit=200")).items.find((d) => d.event?.partitionKey === pk);
    await eventually(async () => (await deadOf()) !== undefined, 45_000, `the dead letter of ${pk}`);
    const dead = await deadOf();
    expect(dead).toMatchObject({ attempts: 6, error: { message: "ping 1 is blocked" } });
    const id = dead?.id ?? "";
    await post(`/v1/entities/PingLog/${pk}/unblock`, { n: 1 });
    // The panel is watched (live refreshes read only what is on screen; content above it may have grown).
    await poll(async () => (await live.locator("#events-dead").scrollIntoViewIfNeeded(), live.locator("#events-dead tbody tr", { hasText: id }).count())).toBe(1);
    await live.close();

    // No activity stream here: the row must leave because the replay refreshed the list, not because a snapshot came.
    const page = await open(false);
    await filter(page);
    const row = page.locator("#events-dead tbody tr", { hasText: id });
    await poll(() => row.count()).toBe(1);
    expect(await row.locator("pre").textContent()).toBe(JSON.stringify({ n: 1 }, null, 2));
    expect(await row.locator("td").nth(5).textContent()).toContain("ping 1 is blocked");
    expect(await page.locator("#events-streams caption").textContent()).toBe("Ordered streams stuck on a gap");
    await page.locator("#panel-events").screenshot({ path: join(SHOTS, "events.png") });

    const before = await navigations(page);
    await page.getByRole("button", { name: `Replay ${id}` }).click();
    await poll(() => row.count()).toBe(0);
    expect(await page.locator("#events-error").textContent()).toBe("");
    expect(await navigations(page)).toBe(before);
    expect(await deadOf()).toBeUndefined();
    await eventually(async () => (await (await post(`/v1/entities/PingLog/${pk}/get`, {})).json() as { applied: number }).applied === 1, 30_000, `ping 1 of ${pk} applied`);
    expect(((await (await post(`/v1/entities/PingLog/${pk}/get`, {})).json()) as { ns: number[] }).ns).toEqual([1]);
    await page.close();
  });
});

import { join } from "node:path";
import type { Page } from "playwright-core";
import { poll, SHOTS, signedInPage, suiteBrowser } from "./harness/inspector-browser.ts";
import { describe, expect, inject, it } from "vitest";
import { createClient, type PushParams, type RealtimeClient } from "../../src/realtime/client/index.ts";
import { eventually } from "../eventually.ts";

/**
 * The inspector's saga timeline and realtime panel in a real headless Chromium against the
 * suite's `wrangler dev`: a failed saga's compensations in the order they ran, and a real socket's
 * connection listed and reached by a test message sent from the page. Screenshots go to
 * test/e2e/screenshots/ (not committed).
 */
const base = inject("baseUrl");
const adminToken = inject("adminToken");
const headers = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
const uid = (p: string) => `${p}-${crypto.randomUUID().slice(0, 8)}`;
const post = async (path: string, body: unknown, extra: Record<string, string> = {}) => fetch(`${base}${path}`, { method: "POST", headers: { ...headers, ...extra }, body: JSON.stringify(body) });
const browser = suiteBrowser();

const open = (): Promise<Page> => signedInPage(browser(), base, adminToken);

/** An order saga whose last step fails for good: the two steps before it are compensated. */
async function failedOrder(): Promise<string> {
  const customer = uid("c");
  expect((await post(`/v1/entities/Account/${customer}/deposit`, { amount: 100 })).status).toBe(200);
  const id = uid("insp");
  const input = { orderId: uid("o"), sku: uid("sku"), qty: 1, customer, amount: 10, fail: { step: "ship", mode: "fatal" } };
  expect((await post("/v1/sagas/order", { input }, { "idempotency-key": id })).status).toBe(202);
  await eventually(async () => ((await (await fetch(`${base}/v1/sagas/order/${id}`, { headers })).json()) as { status: string }).status === "compensated", 45_000, `saga ${id} compensated`);
  return id;
}

describe("the inspector's sagas and realtime panels in a real browser", () => {
  it("opens a failed saga as a timeline whose compensations ran in reverse order", async () => {
    const id = await failedOrder();
    const page = await open();
    const panel = page.locator("#panel-sagas");
    await panel.getByLabel("Saga name").fill("order");
    await panel.getByLabel("Status").selectOption("compensated");
    await panel.getByRole("button", { name: "Show sagas" }).click();
    const openIt = panel.getByRole("button", { name: `Open ${id}` });
    await poll(() => openIt.isVisible()).toBe(true);
    expect(new Set(await page.locator("#sagas tbody td:nth-child(3)").allTextContents())).toEqual(new Set(["compensated"]));
    await openIt.click();
    const steps = page.locator("#sagas-steps li");
    await poll(() => steps.count()).toBe(5);
    const lines = await steps.allTextContents();
    expect(lines.map((l) => l.split(" — ").slice(0, 2).join(" — "))).toEqual(["reserve — completed", "charge — completed", "ship — failed", "↩ compensate charge — compensated", "↩ compensate reserve — compensated"]);
    expect(lines[2]).toContain("ship failed (injected)");
    expect(await page.locator("#sagas-status-text").textContent()).toBe("compensated");
    expect(await page.locator("#sagas-cause").textContent()).toContain("ship");
    // Five lanes, each with its sentence as a tooltip; the two compensations drawn as arrows back, not bars.
    expect(await page.locator("#sagas-timeline g > title").allTextContents()).toEqual(lines);
    expect(await page.locator("#sagas-timeline polygon").count()).toBe(2);
    expect(await page.locator("#sagas-timeline rect").count()).toBe(3);
    await page.locator("#panel-sagas").screenshot({ path: join(SHOTS, "sagas.png") });
    await page.close();
  });

  it("lists a user's socket, and sends it a test message from the page", async () => {
    const [user, topic] = [uid("insp-user"), uid("insp-news")];
    const token = async () => ((await (await post("/v1/auth/tokens", { sub: user, ttlSeconds: 600 })).json()) as { token: string }).token;
    const client: RealtimeClient = createClient({ url: base, user, token, minReconnectionDelay: 100, maxReconnectionDelay: 500 });
    const got: PushParams[] = [];
    client.on("message", (m) => got.push(m));
    try {
      await new Promise<void>((done) => client.on("open", () => done()));
      await client.subscribe([topic]);
      const page = await open();
      const panel = page.locator("#panel-realtime");
      await poll(() => page.locator("#realtime-gateways tbody tr").count()).toBeGreaterThan(0);
      await panel.getByLabel("User id", { exact: true }).fill(user);
      await panel.getByRole("button", { name: "Show connections" }).click();
      await poll(() => page.locator("#realtime-summary").textContent()).toMatch(new RegExp(`^${user} on gateway/\\d+: 1 socket, 0 SSE streams$`));
      expect(await page.locator("#realtime-connections tbody tr td").allTextContents()).toEqual([expect.stringMatching(/^WebSocket/), expect.stringMatching(/^\d{4}-/), expect.stringMatching(/^gateway\//), "none", topic]);

      const probe = { probe: crypto.randomUUID() };
      await panel.getByLabel("User id or topic").fill(user);
      await panel.getByLabel("Message (JSON)").fill(JSON.stringify(probe));
      await panel.getByRole("button", { name: "Send test message" }).click();
      await poll(() => page.locator("#realtime-sent").textContent()).toBe(`Sent to user ${user}: reached 1 socket or stream`);
      await panel.getByLabel("To", { exact: true }).selectOption("topic");
      await panel.getByLabel("User id or topic").fill(topic);
      await panel.getByLabel("Message (JSON)").fill('"topic probe"');
      await panel.getByRole("button", { name: "Send test message" }).click();
      await poll(() => page.locator("#realtime-sent").textContent()).toBe(`Sent to topic ${topic}: reached 1 socket or stream over 16 gateways`);
      await page.locator("#panel-realtime").screenshot({ path: join(SHOTS, "realtime.png") });
      await page.close();

      // A last message as the signal: a repeat of the page's would arrive before it (one gateway, in order).
      expect((await post(`/v1/users/${user}/messages`, { data: "end" })).status).toBe(200);
      await eventually(() => got.some((m) => m.data === "end"), 10_000, "the end signal");
      expect(got.map((m) => [m.topic ?? null, m.data])).toEqual([[null, probe], [topic, "topic probe"], [null, "end"]]);
    } finally {
      client.close();
    }
  });
});

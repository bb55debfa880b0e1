import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, poll, SHOTS, signedInPage } from "./harness/inspector-browser.ts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { eventually } from "../eventually.ts";

/**
 * The inspector's tenants panel, the services table and the entity message form in a real headless
 * Chromium against the suite's `wrangler dev`: a tenant opened (usage bars, deployments with a
 * plan, apps, a webhook delivery replayed to a real receiver), and a Counter incremented from the
 * form. Screenshots go to test/e2e/screenshots/ (not committed).
 */
const base = inject("baseUrl");
const adminToken = inject("adminToken");
let browser: Browser;

const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
};

/** A webhook receiver on 127.0.0.1 that answers 200 and keeps each request's webhook-id (the event id). */
const received: string[] = [];
let server: Server | undefined;
let receiverPort = 0;

beforeAll(async () => {
  browser = await launchBrowser();
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received.push(String(req.headers["webhook-id"]));
      res.end("ok");
    });
  });
  await new Promise<void>((done) => server?.listen(0, "127.0.0.1", done));
  receiverPort = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await browser.close();
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
});

const open = (): Promise<Page> => signedInPage(browser, base, adminToken);

interface Delivery { id: string; status: string; attempts: { statusCode: number | null; replay: boolean }[] }

describe("the inspector's tenants, services and message form in a real browser", () => {
  it("opens a tenant: usage against quota as bars, deployments with a plan, apps, and a webhook delivery replayed", async () => {
    const id = `aaa-insp-${crypto.randomUUID().slice(0, 8)}`;
    const T = `/v1/tenants/${id}`;
    expect((await call("POST", "/v1/tenants", { id, name: "Inspected", plan: "free" })).status).toBe(201);
    const deployed = await call<{ deploymentId: string }>("POST", `${T}/deployments`, { manifest: { version: "1", objects: [{ name: "note", label: "Note", fields: [{ name: "body", type: "text" }] }] } });
    expect(deployed.status).toBe(202);
    expect((await call("POST", `${T}/objects/note/records`, { body: "hello" })).status).toBe(201);
    expect((await call("POST", `${T}/apps`, { name: "crm", version: "1.0.0", objects: [{ name: "lead", label: "Lead", fields: [{ name: "email", type: "text" }] }] })).status).toBe(200);
    const hook = await call<{ id: string }>("POST", `${T}/webhooks`, { url: `http://127.0.0.1:${String(receiverPort)}/inspected`, events: ["demo.ping"] });
    expect(hook.status).toBe(201);
    const published = await call<{ eventId: string }>("POST", "/v1/events", { type: "demo.ping", payload: { n: 1 }, scope: "tenant", tenantId: id });
    expect(published.status).toBe(202);
    const deliveriesPath = `${T}/webhooks/${hook.body.id}/deliveries`;
    let delivery: Delivery | undefined;
    await eventually(async () => ((delivery = (await call<{ items: Delivery[] }>("GET", deliveriesPath)).body.items[0])?.status === "succeeded"), 30_000, "the first delivery");
    const usage = (await call<{ objects: number }>("GET", `${T}/usage`)).body;

    const page = await open();
    const openButton = page.getByRole("button", { name: `Open ${id}`, exact: true });
    await poll(() => page.locator("#tenants tbody tr").count()).toBeGreaterThan(0); // the panels fill in after sign-in
    while (!(await openButton.isVisible())) await page.getByRole("button", { name: "More tenants" }).click();
    expect(await page.locator("#tenants tbody tr", { has: openButton }).textContent()).toContain("active");
    await openButton.click();
    const quota = (label: string) => page.locator("#tenants-usage tbody tr", { has: page.getByLabel(label, { exact: true }) }).textContent();
    await poll(() => quota("objects")).toContain(`${String(usage.objects)} / 20`);
    expect(await quota("records of note")).toContain("1 / 10,000 (0%)");
    expect(await page.getByLabel("records of note", { exact: true }).evaluate((m: HTMLMeterElement) => [m.value, m.max])).toEqual([1, 10_000]);
    await poll(() => page.locator("#tenants-deployments tbody tr").count()).toBe(2);
    expect(await page.locator("#tenants-deployments tbody tr").first().textContent()).toContain("app:crm");
    expect(await page.locator("#tenants-apps tbody").textContent()).toContain("crm__lead");
    await page.getByRole("button", { name: `Show ${deployed.body.deploymentId}` }).click();
    await poll(() => page.locator("#tenants-plan").textContent()).toContain("CREATE TABLE");
    expect(await page.locator("#tenants-plan").textContent()).toContain("o_note");
    expect(await page.locator("#tenants-diff").textContent()).toContain("Added object note (fields body)");

    await page.getByRole("button", { name: `Deliveries of ${hook.body.id}` }).click();
    await poll(() => page.locator("#tenants-deliveries tbody").textContent()).toContain("succeeded");
    await page.getByRole("button", { name: `Replay ${delivery?.id ?? ""}` }).click();
    await eventually(async () => {
      const now = (await call<{ items: Delivery[] }>("GET", deliveriesPath)).body.items[0];
      return now?.status === "succeeded" && now.attempts.length === 2 && now.attempts[1]?.replay === true;
    }, 30_000, "the replayed attempt");
    expect(received.filter((r) => r === published.body.eventId)).toHaveLength(2); // the same webhook-id, twice
    await page.getByRole("button", { name: `Deliveries of ${hook.body.id}` }).click();
    await poll(() => page.locator("#tenants-deliveries tbody tr").first().textContent()).toContain("(replay)");
    await page.locator("#panel-tenants").screenshot({ path: join(SHOTS, "tenants.png") });
    await page.close();
  });

  it("lists the app's services with their leader strategies", async () => {
    const page = await open();
    await poll(() => page.locator("#services tbody tr").count()).toBe(3);
    const rows = await page.locator("#services tbody tr").allTextContents();
    expect(rows.sort()).toEqual(["broadcast-refreshclusteridempotent-broadcast", "leader-reportclusterleader-elected", "partition-sweepclusterpartitioned"]);
    await page.locator("#panel-tasks").screenshot({ path: join(SHOTS, "services.png") });
    await page.close();
  });

  it("sends an entity a message from the form built from its schema, and shows the new state", async () => {
    const key = `form-${crypto.randomUUID().slice(0, 8)}`;
    const page = await open();
    await poll(() => page.locator("#entity-type option").count()).toBeGreaterThan(0);
    await page.getByLabel("Type", { exact: true }).selectOption("Counter");
    await page.getByLabel("Key", { exact: true }).fill(key);
    await page.getByRole("button", { name: "Show", exact: true }).click();
    await poll(() => page.locator("#entity-error").textContent()).toContain("404"); // never sent a message: nothing to show yet
    await page.getByLabel("Message", { exact: true }).selectOption("increment");
    expect(await page.getByLabel("by", { exact: true }).getAttribute("type")).toBe("number");
    await page.getByLabel("by", { exact: true }).fill("5");
    await page.getByLabel("Message id", { exact: true }).fill("form-1");
    await page.getByRole("button", { name: "Send increment" }).click();
    await poll(() => page.locator("#entity-state").textContent()).toContain('"value": 5');
    expect(await page.locator("#entity-reply").textContent()).toContain('"value": 5');
    expect(await page.locator("#entity-version").textContent()).toBe("1");
    expect(await page.locator("#entity-recent tbody").textContent()).toContain("form-1");
    expect((await call<{ state: { value: number }; version: number }>("GET", `/v1/entities/Counter/${key}/_state`)).body).toMatchObject({ state: { value: 5 }, version: 1 });

    await page.getByRole("button", { name: "Send increment" }).click(); // the same message id again: the stored reply, applied once
    await poll(() => page.locator("#entity-reply").textContent()).toContain("Stored reply");
    expect((await call<{ state: { value: number }; version: number }>("GET", `/v1/entities/Counter/${key}/_state`)).body).toMatchObject({ state: { value: 5 }, version: 1 });
    await page.locator("#panel-entity").screenshot({ path: join(SHOTS, "entity-form.png") });
    await page.close();
  });
});

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { TenantObject } from "../../src/objects/index.ts";
import type { WebhookDeliveryPage } from "../../src/spec/index.ts";
import { PRUNE_BATCH_ROWS, RETENTION_MS } from "../../src/webhooks/retention.ts";
import { api, consume } from "./event-helpers.ts";
import { createEndpoint, T0, tenantEvent, tenantRows, tenantStub, testTenant, type TestTenant } from "./webhook-helpers.ts";

const deliveries = async (tenant: string, id: string): Promise<WebhookDeliveryPage> => (await api(`/v1/tenants/${tenant}/webhooks/${id}/deliveries`)).json();

const count = async (tenant: string, table: "webhook_deliveries" | "webhook_attempts"): Promise<number> =>
  (await tenantRows<{ n: number }>(tenant, `SELECT COUNT(*) AS n FROM ${table}`))[0]?.n ?? -1;

const orphanAttempts = async (tenant: string): Promise<number> =>
  (await tenantRows<{ n: number }>(tenant, "SELECT COUNT(*) AS n FROM webhook_attempts a WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.seq = a.delivery_seq)"))[0]?.n ?? -1;

/** `n` deliveries of `endpointId` that finished at `finishedAt`, each with `attempts` logged attempts, written straight to SQLite; then re-arms. */
async function seedFinished(t: TestTenant, endpointId: string, n: number, attempts: number, finishedAt: number): Promise<void> {
  await tenantRows(t.tenant,
    `WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < ?)
     INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, body, status, attempts, created_at, finished_at)
     SELECT 'dlv_seed' || k, ?, 'evt_seed' || k, 'demo.ping', '{}', 'succeeded', ?, ?, ? FROM i`,
    n, endpointId, attempts, finishedAt, finishedAt);
  await tenantRows(t.tenant,
    `WITH RECURSIVE j(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM j WHERE k < ?)
     INSERT INTO webhook_attempts (delivery_seq, attempt, at, status_code, latency_ms, error, next_retry_at, replay)
     SELECT d.seq, j.k, d.finished_at, 200, 1, NULL, NULL, 0 FROM webhook_deliveries d, j WHERE d.id LIKE 'dlv_seed%'`,
    attempts);
  await runInDurableObject(tenantStub(t.tenant), (instance: TenantObject) => instance.webhooks.arm());
}

describe("webhook delivery retention inside workerd", () => {
  it("prunes a succeeded delivery and its attempts 30 days after it finished, not a moment before", async () => {
    const t = await testTenant();
    const { id } = await createEndpoint(t.tenant);
    await consume("events", [tenantEvent(t.tenant)]);
    await t.runAlarm();
    expect((await deliveries(t.tenant, id)).items).toMatchObject([{ status: "succeeded" }]);
    expect(await tenantRows(t.tenant, "SELECT finished_at FROM webhook_deliveries")).toEqual([{ finished_at: T0 }]);
    expect(await t.alarm()).toBe(T0 + RETENTION_MS);

    t.now = T0 + RETENTION_MS - 1;
    await t.runAlarm();
    expect(await count(t.tenant, "webhook_deliveries")).toBe(1);
    expect(await t.alarm()).toBe(T0 + RETENTION_MS);

    t.now = T0 + RETENTION_MS;
    expect(await t.runAlarm()).toBe(true);
    expect((await deliveries(t.tenant, id)).items).toEqual([]);
    expect(await count(t.tenant, "webhook_deliveries")).toBe(0);
    expect(await count(t.tenant, "webhook_attempts")).toBe(0);
    expect(await t.alarm()).toBeNull();
  });

  it("keeps a dead delivery, replayable, for the full 30 days after its last attempt", async () => {
    const t = await testTenant();
    const { id } = await createEndpoint(t.tenant);
    t.receiver.responses.push(...Array.from({ length: 10 }, () => 503));
    await consume("events", [tenantEvent(t.tenant)]);
    for (let attempt = 1; attempt <= 10; attempt++) {
      t.now = (await t.alarm()) ?? t.now;
      await t.runAlarm();
    }
    const lastAttempt = t.now;
    expect(lastAttempt).toBeGreaterThan(T0 + 86_400_000);
    expect((await deliveries(t.tenant, id)).items).toMatchObject([{ status: "dead" }]);
    expect(await t.alarm()).toBe(lastAttempt + RETENTION_MS);

    t.now = T0 + RETENTION_MS + 1;
    await t.runAlarm();
    const [dead] = (await deliveries(t.tenant, id)).items;
    expect(dead?.attempts).toHaveLength(10);

    t.now = lastAttempt + RETENTION_MS;
    await t.runAlarm();
    expect(await count(t.tenant, "webhook_deliveries")).toBe(0);
    expect(await count(t.tenant, "webhook_attempts")).toBe(0);
    expect((await api(`/v1/tenants/${t.tenant}/webhooks/${id}/deliveries/${dead?.id ?? ""}/replay`, { method: "POST" })).status).toBe(404);
  });

  it("never prunes a pending or retrying delivery, however old, nor its attempts", async () => {
    const t = await testTenant();
    const waiting = await createEndpoint(t.tenant, { url: "https://a.example.com/in" });
    const retrying = await createEndpoint(t.tenant, { url: "https://b.example.com/in" });
    t.receiver.responses.push(500, 500);
    await consume("events", [tenantEvent(t.tenant)]);
    await t.runAlarm();
    await api(`/v1/tenants/${t.tenant}/webhooks/${waiting.id}`, { method: "PATCH", body: { disabled: true } });
    await seedFinished(t, retrying.id, 1, 1, T0);

    t.now = T0 + 10 * RETENTION_MS;
    t.receiver.responses.push(500);
    await t.runAlarm();
    const rows = await tenantRows(t.tenant, "SELECT endpoint_id, status, attempts, finished_at FROM webhook_deliveries ORDER BY endpoint_id");
    expect(rows).toEqual([waiting.id, retrying.id].sort().map((endpoint_id) => ({ endpoint_id, status: "pending", attempts: endpoint_id === waiting.id ? 1 : 2, finished_at: null })));
    expect(await count(t.tenant, "webhook_attempts")).toBe(3);
    // Both endpoints are disabled by now (one by hand, one for failing 5 days): their deliveries wait, nothing is due.
    expect(await t.alarm()).toBeNull();
  });

  it("arms the alarm for the earlier of the next due delivery and the next prune", async () => {
    const t = await testTenant();
    await createEndpoint(t.tenant);
    await consume("events", [tenantEvent(t.tenant)]);
    await t.runAlarm();
    expect(await t.alarm()).toBe(T0 + RETENTION_MS);
    t.now = T0 + 60_000;
    t.receiver.responses.push(500);
    await consume("events", [tenantEvent(t.tenant)]);
    await t.runAlarm();
    expect(await t.alarm()).toBe(T0 + 65_000);
    t.now = T0 + RETENTION_MS + 1;
    await t.runAlarm();
    expect(await tenantRows(t.tenant, "SELECT status FROM webhook_deliveries")).toEqual([{ status: "succeeded" }]);
    expect(await t.alarm()).toBe(T0 + RETENTION_MS + 1 + RETENTION_MS);
  });

  it(`deletes at most ${PRUNE_BATCH_ROWS} rows per alarm run and re-arms at once for the rest`, async () => {
    const t = await testTenant();
    const { id } = await createEndpoint(t.tenant);
    await seedFinished(t, id, 600, 1, T0);
    t.now = T0 + RETENTION_MS;
    expect(await t.alarm()).toBe(T0 + RETENTION_MS);
    await t.runAlarm();
    expect(await count(t.tenant, "webhook_deliveries") + await count(t.tenant, "webhook_attempts")).toBe(1_200 - PRUNE_BATCH_ROWS);
    expect(await count(t.tenant, "webhook_deliveries")).toBe(100);
    expect(await orphanAttempts(t.tenant)).toBe(0);
    expect(await t.alarm()).toBeLessThanOrEqual(t.now);
    await t.runAlarm();
    expect(await count(t.tenant, "webhook_deliveries")).toBe(0);
    expect(await count(t.tenant, "webhook_attempts")).toBe(0);
    expect(await t.alarm()).toBeNull();
  });

  it("prunes a delivery with more attempts than a batch over several runs, oldest attempts first", async () => {
    const t = await testTenant();
    const { id } = await createEndpoint(t.tenant);
    await seedFinished(t, id, 1, PRUNE_BATCH_ROWS + 200, T0);
    t.now = T0 + RETENTION_MS;
    await t.runAlarm();
    expect(await tenantRows(t.tenant, "SELECT MIN(attempt) AS first, COUNT(*) AS n FROM webhook_attempts")).toEqual([{ first: PRUNE_BATCH_ROWS + 1, n: 200 }]);
    expect(await count(t.tenant, "webhook_deliveries")).toBe(1);
    expect(await t.alarm()).toBeLessThanOrEqual(t.now);
    await t.runAlarm();
    expect(await count(t.tenant, "webhook_deliveries")).toBe(0);
    expect(await count(t.tenant, "webhook_attempts")).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import type { WebhookDeliveryPage } from "../../src/spec/index.ts";
import { RETENTION_MS } from "../../src/webhooks/retention.ts";
import { sign } from "../../src/webhooks/signature.ts";
import { api, consume } from "./event-helpers.ts";
import { createEndpoint, T0, tenantEvent, tenantRows, testTenant } from "./webhook-helpers.ts";

const deliveries = async (tenant: string, id: string, query = ""): Promise<WebhookDeliveryPage> => (await api(`/v1/tenants/${tenant}/webhooks/${id}/deliveries${query}`)).json();

describe("webhook deliveries inside workerd", () => {
  it("turns a tenant event into one signed delivery per subscribed endpoint, due at once", async () => {
    const t = await testTenant();
    const all = await createEndpoint(t.tenant, { url: "https://a.example.com/in" });
    const pings = await createEndpoint(t.tenant, { url: "https://b.example.com/in", events: ["demo.ping"] });
    const other = await createEndpoint(t.tenant, { url: "https://c.example.com/in", events: ["counter.incremented"] });
    const event = tenantEvent(t.tenant, "demo.ping", { n: 7 });
    expect(await consume("events", [event])).toMatchObject({ acked: 1, retried: 0 });
    expect(await tenantRows(t.tenant, "SELECT endpoint_id FROM webhook_deliveries ORDER BY endpoint_id")).toEqual([{ endpoint_id: all.id }, { endpoint_id: pings.id }].sort((a, b) => a.endpoint_id.localeCompare(b.endpoint_id)));
    expect(await t.alarm()).toBe(T0);
    expect(await t.runAlarm()).toBe(true);
    expect(t.receiver.requests.map((r) => r.url).sort()).toEqual(["https://a.example.com/in", "https://b.example.com/in"]);
    const request = t.receiver.requests[0];
    if (!request) throw new Error("no request");
    expect(request.headers.get("webhook-id")).toBe(event.eventId);
    expect(request.headers.get("webhook-timestamp")).toBe(String(T0 / 1000));
    expect(request.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(request.body)).toEqual({ type: "demo.ping", timestamp: new Date(event.emittedAt).toISOString(), data: { n: 7 } });
    const secret = request.url.includes("a.example") ? all.secret : pings.secret;
    expect(request.headers.get("webhook-signature")).toBe(await sign(secret, event.eventId, T0 / 1000, request.body));
    expect((await deliveries(t.tenant, all.id)).items[0]).toMatchObject({ status: "succeeded", eventId: event.eventId, attempts: [{ attempt: 1, statusCode: 200, error: null, nextRetryAt: null }] });
    expect((await deliveries(t.tenant, other.id)).items).toEqual([]);
    expect(await t.alarm()).toBe(T0 + RETENTION_MS);
  });

  it("makes one delivery row when the Queue redelivers an event", async () => {
    const t = await testTenant();
    const { id } = await createEndpoint(t.tenant);
    const event = tenantEvent(t.tenant);
    await consume("events", [event, event]);
    await consume("events", [event], 2);
    expect(await tenantRows(t.tenant, "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE endpoint_id = ?", id)).toEqual([{ n: 1 }]);
  });

  it("ignores cluster-scoped events and other tenants' events", async () => {
    const t = await testTenant();
    await createEndpoint(t.tenant);
    await consume("events", [{ ...tenantEvent(t.tenant), scope: "cluster", tenantId: undefined }, tenantEvent("someone-else")]);
    expect(await tenantRows(t.tenant, "SELECT COUNT(*) AS n FROM webhook_deliveries")).toEqual([{ n: 0 }]);
  });

  it("sets the alarm to the next retry after a failure, and logs the attempt", async () => {
    const t = await testTenant();
    const { id } = await createEndpoint(t.tenant);
    t.receiver.responses.push(500);
    await consume("events", [tenantEvent(t.tenant)]);
    await t.runAlarm();
    const [delivery] = (await deliveries(t.tenant, id)).items;
    expect(delivery).toMatchObject({ status: "pending", nextAttemptAt: new Date(T0 + 5_000).toISOString(), attempts: [{ attempt: 1, statusCode: 500, error: "HTTP 500", nextRetryAt: new Date(T0 + 5_000).toISOString() }] });
    expect(await t.alarm()).toBe(T0 + 5_000);
  });

  it("honours Retry-After on a 429", async () => {
    const t = await testTenant();
    const { id } = await createEndpoint(t.tenant);
    t.receiver.responses.push({ status: 429, headers: { "retry-after": "120" } });
    await consume("events", [tenantEvent(t.tenant)]);
    await t.runAlarm();
    expect((await deliveries(t.tenant, id)).items[0]?.nextAttemptAt).toBe(new Date(T0 + 120_000).toISOString());
    expect(await t.alarm()).toBe(T0 + 120_000);
  });

  it("holds attempts beyond rateLimitPerSecond for the next second, without counting them", async () => {
    const t = await testTenant();
    const { id } = await createEndpoint(t.tenant, { rateLimitPerSecond: 1 });
    await consume("events", [tenantEvent(t.tenant), tenantEvent(t.tenant)]);
    await t.runAlarm();
    expect(t.receiver.requests).toHaveLength(1);
    expect(await t.alarm()).toBe(T0 + 1_000);
    t.now = T0 + 1_000;
    await t.runAlarm();
    expect(t.receiver.requests).toHaveLength(2);
    expect((await deliveries(t.tenant, id)).items.map((d) => d.attempts.length)).toEqual([1, 1]);
  });

  it("dead-letters a delivery after the ten attempts of the schedule, and a replay sends it again with the same webhook-id", async () => {
    const t = await testTenant();
    const { id } = await createEndpoint(t.tenant);
    t.receiver.responses.push(...Array.from({ length: 10 }, () => 503));
    await consume("events", [tenantEvent(t.tenant)]);
    for (let attempt = 1; attempt <= 10; attempt++) {
      const due = await t.alarm();
      if (due === null) throw new Error(`no alarm before attempt ${attempt}`);
      t.now = due;
      await t.runAlarm();
    }
    const gaps = t.receiver.requests.map((r) => Number(r.headers.get("webhook-timestamp"))).map((ts, i, all) => ts - (all[i - 1] ?? ts));
    expect(gaps).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]);
    expect(await t.alarm()).toBe(t.now + RETENTION_MS);
    const dead = await deliveries(t.tenant, id, "?status=dead");
    expect(dead.items).toHaveLength(1);
    expect(dead.items[0]).toMatchObject({ status: "dead", nextAttemptAt: null });
    expect(dead.items[0]?.attempts).toHaveLength(10);
    expect((await deliveries(t.tenant, id, "?status=pending")).items).toEqual([]);

    const deliveryId = dead.items[0]?.id ?? "";
    const replay = await api(`/v1/tenants/${t.tenant}/webhooks/${id}/deliveries/${deliveryId}/replay`, { method: "POST" });
    expect(replay.status).toBe(202);
    expect(await t.alarm()).toBe(t.now);
    await t.runAlarm();
    const ids = new Set(t.receiver.requests.map((r) => r.headers.get("webhook-id")));
    expect(t.receiver.requests).toHaveLength(11);
    expect(ids.size).toBe(1);
    expect((await deliveries(t.tenant, id)).items[0]).toMatchObject({ status: "succeeded" });
    expect((await deliveries(t.tenant, id)).items[0]?.attempts.at(-1)).toMatchObject({ attempt: 11, statusCode: 200, replay: true });
  });

  it("disables the endpoint on 410 Gone and says so; a disabled endpoint gets no new deliveries", async () => {
    const t = await testTenant();
    const { id } = await createEndpoint(t.tenant);
    t.receiver.responses.push(410);
    await consume("events", [tenantEvent(t.tenant)]);
    await t.runAlarm();
    expect(await (await api(`/v1/tenants/${t.tenant}/webhooks/${id}`)).json()).toMatchObject({ disabled: true, disabledReason: "gone" });
    expect(t.disabled).toEqual([expect.objectContaining({ endpointId: id, reason: "gone" })]);
    expect(await t.alarm()).toBeNull();
    await consume("events", [tenantEvent(t.tenant)]);
    expect(await tenantRows(t.tenant, "SELECT COUNT(*) AS n FROM webhook_deliveries")).toEqual([{ n: 1 }]);
  });

  it("disables an endpoint that has failed continuously for 5 days", async () => {
    const t = await testTenant();
    const { id } = await createEndpoint(t.tenant);
    t.receiver.responses.push(500, 500, 500);
    await consume("events", [tenantEvent(t.tenant)]);
    await t.runAlarm();
    t.now = T0 + 5 * 86_400_000;
    await consume("events", [tenantEvent(t.tenant)]);
    await t.runAlarm();
    expect(await (await api(`/v1/tenants/${t.tenant}/webhooks/${id}`)).json()).toMatchObject({ disabled: true, disabledReason: "failing", failingSince: new Date(T0).toISOString() });
    expect(t.disabled).toEqual([expect.objectContaining({ reason: "failing" })]);
  });

  it("signs with both secrets during the rotation window, then with the new one only", async () => {
    const t = await testTenant();
    const { id, secret: old } = await createEndpoint(t.tenant);
    const { secret: fresh } = await (await api(`/v1/tenants/${t.tenant}/webhooks/${id}/rotate-secret`, { method: "POST" })).json<{ secret: string }>();
    await consume("events", [tenantEvent(t.tenant)]);
    await t.runAlarm();
    t.now = T0 + 24 * 3_600_000 + 1;
    await consume("events", [tenantEvent(t.tenant)]);
    await t.runAlarm();
    const [first, second] = t.receiver.requests;
    if (!first || !second) throw new Error("two requests expected");
    const signatures = (r: typeof first) => (r.headers.get("webhook-signature") ?? "").split(" ");
    const expected = async (r: typeof first, s: string) => sign(s, r.headers.get("webhook-id") ?? "", Number(r.headers.get("webhook-timestamp")), r.body);
    expect(signatures(first)).toEqual([await expected(first, fresh), await expected(first, old)]);
    expect(signatures(second)).toEqual([await expected(second, fresh)]);
  });
});

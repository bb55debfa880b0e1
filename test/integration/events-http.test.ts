import { describe, expect, it } from "vitest";
import { ownerKey } from "../../src/events/publish.ts";
import { ProblemSchema } from "../../src/spec/index.ts";
import { rows } from "./entity-helpers.ts";
import { api, consume, eventually, ping, pingLog } from "./event-helpers.ts";

describe("POST /v1/events", () => {
  it("answers 202 once the event is durable, and delivers it", async () => {
    const pk = `pub-${crypto.randomUUID()}`;
    const res = await api("/v1/events", { method: "POST", body: { type: "demo.ping", payload: { n: 5 }, partitionKey: pk } });
    expect(res.status).toBe(202);
    const { eventId } = await res.json<{ eventId: string }>();
    expect(await rows("EventBus", ownerKey(pk, eventId), "SELECT event_id, partition_key, sequence FROM outbox WHERE event_id = ?", eventId)).toEqual([{ event_id: eventId, partition_key: pk, sequence: 1 }]);
    await eventually(async () => (await pingLog(pk)).ns.includes(5));
  });

  it("fixes the event id with Idempotency-Key: a repeat is a flagged duplicate and is delivered once", async () => {
    const pk = `idem-${crypto.randomUUID()}`;
    const first = await api("/v1/events", { method: "POST", body: { type: "demo.ping", payload: { n: 1 }, partitionKey: pk }, headers: { "idempotency-key": `evt.${pk}` } });
    const second = await api("/v1/events", { method: "POST", body: { type: "demo.ping", payload: { n: 1 }, partitionKey: pk }, headers: { "idempotency-key": `evt.${pk}` } });
    expect(await first.json()).toEqual({ eventId: `evt.${pk}`, duplicate: false });
    expect(await second.json()).toEqual({ eventId: `evt.${pk}`, duplicate: true });
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    // A second event of the partition is the signal: a second delivery of the first would come before it.
    await api("/v1/events", { method: "POST", body: { type: "demo.ping", payload: { n: 2 }, partitionKey: pk } });
    await eventually(async () => (await pingLog(pk)).applied >= 2);
    expect((await pingLog(pk)).ns).toEqual([1, 2]);
  });

  it("sequences two tenants' events of one partition key apart: both are delivered fully, in order, and neither sees the other's", async () => {
    const pk = `shared-${crypto.randomUUID()}`;
    const tenants = { acme: 0, globex: 100 } as const;
    for (let n = 1; n <= 8; n++) {
      for (const [tenantId, base] of Object.entries(tenants)) {
        const res = await api("/v1/events", { method: "POST", body: { type: "demo.ping", payload: { n: base + n }, partitionKey: pk, scope: "tenant", tenantId } });
        expect(res.status).toBe(202);
      }
    }
    await eventually(async () => (await pingLog(`acme:${pk}`)).applied === 8 && (await pingLog(`globex:${pk}`)).applied === 8);
    for (const [tenantId, base] of Object.entries(tenants)) {
      expect((await pingLog(`${tenantId}:${pk}`)).ns).toEqual(Array.from({ length: 8 }, (_, i) => base + i + 1));
      const owned = await rows<{ sequence: number; tenant_id: string }>("EventBus", ownerKey(pk, "", tenantId), "SELECT sequence, tenant_id FROM outbox WHERE partition_key = ? ORDER BY seq", pk);
      expect(owned).toEqual(Array.from({ length: 8 }, (_, i) => ({ sequence: i + 1, tenant_id: tenantId })));
      expect(await rows("PingLog", `${tenantId}:${pk}`, "SELECT seq FROM order_held WHERE entity_key = ?", `${tenantId}:${pk}`)).toEqual([]);
    }
    expect(ownerKey(pk, "", "acme")).not.toBe(ownerKey(pk, "", "globex"));
  });

  it.each([
    ["an unknown type", { type: "no.such", payload: {} }, "type"],
    ["an invalid payload", { type: "demo.ping", payload: { n: "x" } }, "payload.n"],
    ["a tenant event without a tenant", { type: "demo.ping", payload: { n: 1 }, scope: "tenant" }, "tenantId"],
    ["an unknown field", { type: "demo.ping", payload: { n: 1 }, extra: 1 }, ""],
  ])("refuses %s with 400 and stores nothing", async (_label, body, path) => {
    const res = await api("/v1/events", { method: "POST", body, headers: { "idempotency-key": `evt.bad.${crypto.randomUUID()}` } });
    expect(res.status).toBe(400);
    expect(ProblemSchema.parse(await res.json()).errors?.map((e) => e.path)).toContain(path);
  });
});

describe("the dead-letter list", () => {
  it("pages oldest first, filters, and deletes", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const bad = [1, 2, 3].map((n) => ping(n, { payload: { n: `bad-${tag}-${n}` }, eventId: `evt_dead_${tag}_${n}` as never }));
    await consume("events", bad);
    const page1 = await (await api("/v1/events/dead?type=demo.ping&limit=2")).json<{ items: { id: string }[]; nextCursor: string | null }>();
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).not.toBeNull();
    const all: string[] = [];
    for (let cursor: string | null = ""; cursor !== null; ) {
      const page: { items: { id: string }[]; nextCursor: string | null } = await (await api(`/v1/events/dead?type=demo.ping&limit=2${cursor ? `&cursor=${cursor}` : ""}`)).json();
      all.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    }
    expect(all).toEqual(expect.arrayContaining(bad.map((b) => b.eventId)));
    expect(new Set(all).size).toBe(all.length);
    expect((await api(`/v1/events/dead/${bad[0]?.eventId ?? ""}`, { method: "DELETE" })).status).toBe(204);
    expect((await api(`/v1/events/dead/${bad[0]?.eventId ?? ""}`, { method: "DELETE" })).status).toBe(404);
    expect((await api("/v1/events/dead?limit=0")).status).toBe(400);
  });
});

import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cluster } from "../fixtures/worker.ts";
import { shardEventHooks } from "../../src/events/hooks.ts";
import { Router } from "../../src/shards/index.ts";
import { pendingEvent, writeOutbox } from "../../src/storage/outbox.ts";
import { freshKey, rows, send, shardStub } from "./entity-helpers.ts";
import { api, consume, eventually, ping, pingLog } from "./event-helpers.ts";

const stats = async (key: string) => (await send("CounterStats", key, "get")).json<{ increments: number; values: number[] }>();

describe("the outbox (EVNT-02)", () => {
  it("delivers a committed event to its exactly-once subscriber through the real Queue", async () => {
    const key = freshKey();
    await send("Counter", key, "increment", { by: 2 });
    await send("Counter", key, "increment", { by: 3 });
    await eventually(async () => (await stats(key)).increments === 2);
    expect((await stats(key)).values).toEqual([2, 5]);
    const sent = await rows<{ sent_at: number | null; sequence: number }>("Counter", key, "SELECT sent_at, sequence FROM outbox WHERE entity_key = ? ORDER BY seq", key);
    expect(sent.map((r) => r.sequence)).toEqual([1, 2]);
    expect(sent.every((r) => r.sent_at !== null)).toBe(true);
  });

  it("writes no outbox row and sends nothing when the handler emits then throws", async () => {
    const key = freshKey();
    expect((await send("Counter", key, "incrementThenFail", { by: 1 })).status).toBe(500);
    expect(await rows("Counter", key, "SELECT * FROM outbox WHERE entity_key = ?", key)).toEqual([]);
    // A later increment of the key is the signal: its event is sequence 1, and once it has arrived, an
    // earlier event of the key would have arrived before it (one partition, in order).
    await send("Counter", key, "increment", { by: 5 });
    await eventually(async () => (await stats(key)).increments >= 1);
    expect(await stats(key)).toMatchObject({ increments: 1, values: [5] });
    expect((await rows<{ sequence: number }>("Counter", key, "SELECT sequence FROM outbox WHERE entity_key = ?", key)).map((r) => r.sequence)).toEqual([1]);
  });

  it("refuses an unknown event type or an invalid payload at the emitter", () => {
    expect(() => pendingEvent("no.such", {}, { scope: "cluster" }, cluster.app.events.validate)).toThrow(/unknown event type/);
    expect(() => pendingEvent("demo.ping", { n: "x" }, { scope: "cluster" }, cluster.app.events.validate)).toThrow(/invalid payload/);
    expect(() => pendingEvent("demo.ping", { n: 1 }, { scope: "local", deliverySemantics: "exactly-once" }, cluster.app.events.validate)).toThrow(/best-effort only/);
  });

  it("relays from the alarm on the next activation when the object was evicted between commit and relay", async () => {
    const key = freshKey();
    await send("Counter", key, "get");
    const stub = shardStub("Counter", key);
    const eventId = await runInDurableObject(stub, async (_i, state) => {
      const event = pendingEvent("counter.incremented", { key, value: 1, by: 1 }, { scope: "cluster", partitionKey: key }, cluster.app.events.validate);
      state.storage.transactionSync(() => writeOutbox(state.storage.sql, key, [event], Date.now()));
      await state.storage.deleteAlarm(); // the relay and its alarm never happened
      return event.eventId;
    });
    await evictDurableObject(stub);
    await send("Counter", key, "get"); // any activation re-arms the alarm from the outbox…
    await runDurableObjectAlarm(stub); // …which may already have fired by itself
    await eventually(async () => (await rows<{ n: number }>("Counter", key, "SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NOT NULL AND entity_key = ?", key))[0]?.n === 1);
    expect(await rows("Counter", key, "SELECT event_id, sent_at IS NOT NULL AS sent FROM outbox WHERE entity_key = ?", key)).toEqual([{ event_id: eventId, sent: 1 }]);
    await eventually(async () => (await stats(key)).increments === 1);
  });
});

describe("the consumer", () => {
  it("applies an exactly-once subscriber once when the Queue delivers an event twice", async () => {
    const key = freshKey("p");
    const event = ping(1, { partitionKey: undefined });
    const subKey = "default";
    const before = (await pingLog(subKey)).applied;
    expect(await consume("events", [event, event])).toMatchObject({ acked: 2, retried: 0 });
    expect(await consume("events", [event])).toMatchObject({ acked: 1 });
    expect((await pingLog(subKey)).applied).toBe(before + 1);
    void key;
  });

  it("sends an invalid event straight to the dead letters, acknowledged, without retries", async () => {
    const bad = ping(1, { payload: { n: "not a number" } });
    expect(await consume("events", [bad, { not: "an event" }])).toMatchObject({ acked: 2, retried: 0 });
    const { items } = await (await api("/v1/events/dead?type=demo.ping")).json<{ items: { id: string; error: { code: string } }[] }>();
    expect(items.find((d) => d.id === bad.eventId)?.error.code).toBe("invalid_event");
  });

  it("retries a failing subscriber with backoff, records the failure, and dead-letters it with its error", async () => {
    const key = freshKey("blocked");
    await send("PingLog", key, "block", { n: 42 });
    const event = ping(42, { partitionKey: key, sequence: 1, producer: `p-${key}` });
    expect((await consume("events", [event], 1)).retried).toBe(1);
    expect((await consume("events", [event], 3)).retried).toBe(1);
    expect(await consume("events-dlq", [event], 1)).toMatchObject({ acked: 1 });
    const { items } = await (await api(`/v1/events/dead?subscription=ping-log`)).json<{ items: { id: string; attempts: number; error: { message: string }; subscription: string }[] }>();
    const dead = items.find((d) => d.id === `${event.eventId}:ping-log`);
    expect(dead).toMatchObject({ attempts: 3, subscription: "ping-log", error: { message: `ping 42 is blocked` } });
    await send("PingLog", key, "unblock", { n: 42 });
    expect((await api(`/v1/events/dead/${dead?.id ?? ""}/replay`, { method: "POST" })).status).toBe(202);
    await eventually(async () => (await pingLog(key)).applied === 1);
    expect((await api(`/v1/events/dead/${dead?.id ?? ""}/replay`, { method: "POST" })).status).toBe(404);
    await consume("events", [event]);
    expect((await pingLog(key)).ns).toEqual([42]);
  });

  it("applies events of one partition key in sequence order even when they arrive out of order", async () => {
    const key = freshKey("order");
    const producer = `prod-${key}`;
    const events = [1, 2, 3, 4, 5].map((n) => ping(n, { partitionKey: key, sequence: n, producer }));
    await consume("events", [events[2], events[4]]);
    expect((await pingLog(key)).ns).toEqual([]);
    expect(await rows("PingLog", key, "SELECT seq FROM order_held WHERE entity_key = ? ORDER BY seq", key)).toEqual([{ seq: 3 }, { seq: 5 }]);
    await consume("events", [events[0]]);
    expect((await pingLog(key)).ns).toEqual([1]);
    await consume("events", [events[1], events[3], events[2]]);
    expect((await pingLog(key)).ns).toEqual([1, 2, 3, 4, 5]);
    expect(await rows("PingLog", key, "SELECT * FROM order_held WHERE entity_key = ?", key)).toEqual([]);
  });

  it("never delivers a tenant-scoped event to another tenant's subscriber, and prefixes keys with the tenant", async () => {
    const pk = freshKey("t");
    const before = (await pingLog("globex:globex-only")).applied;
    await consume("events", [ping(7, { scope: "tenant", tenantId: "acme" as never, partitionKey: undefined, eventId: `evt_${pk}` as never })]);
    expect((await pingLog("acme:default")).ns).toContain(7);
    expect((await pingLog("globex:globex-only")).applied).toBe(before);
    expect((await pingLog("acme:globex-only")).applied).toBe(0);
    await consume("events", [ping(8, { scope: "tenant", tenantId: "globex" as never })]);
    expect((await pingLog("globex:globex-only")).ns).toContain(8);
    expect((await pingLog("globex:default")).ns).toContain(8);
    expect((await pingLog("acme:default")).ns).not.toContain(8);
  });

  it("delivers local-scope events in-process after the commit", async () => {
    const hooks = shardEventHooks(env, cluster.app.events, () => new Router(env.SHARDS, cluster.app.entities));
    const before = (await pingLog("default")).applied;
    await hooks.deliverLocal([pendingEvent("demo.ping", { n: 99 }, { scope: "local" }, cluster.app.events.validate)]);
    expect((await pingLog("default")).applied).toBe(before + 1);
  });
});

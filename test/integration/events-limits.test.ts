import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cluster } from "../fixtures/worker.ts";
import { shardEventHooks } from "../../src/events/hooks.ts";
import { MAX_RELAY_ATTEMPTS, relayOutbox, type EventQueue } from "../../src/events/relay.ts";
import { Router } from "../../src/shards/index.ts";
import type { EventMessage } from "../../src/spec/index.ts";
import { MAX_EVENT_MESSAGE_BYTES } from "../../src/storage/event-size.ts";
import { pendingEvent, writeOutbox } from "../../src/storage/outbox.ts";
import { freshKey, rows, send, shardStub } from "./entity-helpers.ts";
import { api } from "./event-helpers.ts";

interface OutboxRow extends Record<string, SqlStorageValue> { event_id: string; sent_at: number | null; attempts: number; last_error: string | null }
interface Dead { id: string; subscription: string | null; attempts: number; error: { code: string; message: string } }

const big = (bytes: number) => "x".repeat(bytes);
const incremented = (key: string) => pendingEvent("counter.incremented", { key, value: 1, by: 1 }, { scope: "cluster" }, cluster.app.events.validate);
const outboxCount = async (type: string, key: string) => (await rows<{ n: number }>(type, key, "SELECT COUNT(*) AS n FROM outbox WHERE entity_key = ?", key))[0]?.n;
const deadOf = async (eventId: string) => (await (await api("/v1/events/dead?type=counter.incremented&limit=200")).json<{ items: Dead[] }>()).items.find((d) => d.id === eventId);

/** A Queue that records each batch (as event ids) and refuses any batch holding an event of a key in `bad`. */
function fakeQueue(bad: (key: string) => boolean): EventQueue & { batches: string[][] } {
  const batches: string[][] = [];
  return {
    batches,
    sendBatch: (messages) => {
      const list = [...messages].map((m) => m.body);
      batches.push(list.map((m) => m.eventId));
      return list.some((m) => bad((m.payload as { key: string }).key)) ? Promise.reject(new Error("message too large")) : Promise.resolve();
    },
  };
}

/** Runs `work` on the SQLite of a fresh Counter shard (migrated, nothing in its outbox), then empties the outbox again. */
async function inShard<T>(work: (sql: SqlStorage) => Promise<T>): Promise<T> {
  const key = freshKey("limits");
  await send("Counter", key, "get");
  return runInDurableObject(shardStub("Counter", key), async (_object, state) => {
    try {
      return await work(state.storage.sql);
    } finally {
      state.storage.sql.exec("DELETE FROM outbox");
    }
  });
}

describe("the event size limit", () => {
  it("answers 413 payload_too_large to a publish whose Queue message would exceed the limit, and stores nothing", async () => {
    const pk = freshKey("big");
    const res = await api("/v1/events", { method: "POST", body: { type: "counter.incremented", payload: { key: big(200_000), value: 1, by: 1 }, partitionKey: pk } });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({ code: "payload_too_large", limit: MAX_EVENT_MESSAGE_BYTES });
    expect(await outboxCount("EventBus", pk)).toBe(0);
    expect(await rows("EventBus", pk, "SELECT entity_key FROM entities WHERE entity_key = ?", pk)).toEqual([]);
  });

  it("accepts an event just under the limit", async () => {
    const pk = freshKey("fits");
    const res = await api("/v1/events", { method: "POST", body: { type: "counter.incremented", payload: { key: big(MAX_EVENT_MESSAGE_BYTES - 2_000), value: 1, by: 1 }, partitionKey: pk } });
    expect(res.status).toBe(202);
    expect(await outboxCount("EventBus", pk)).toBe(1);
  });

  it("fails an entity handler that emits too big an event like a throwing handler: no state change, no outbox row", async () => {
    const pk = freshKey("emit");
    // The platform's own EventBus entity, reached through the router (HTTP does not expose it).
    const router = new Router(env.SHARDS, cluster.app.entities);
    const refused = await router.request("EventBus", pk, "publish", { eventId: `evt_${pk}`, type: "counter.incremented", payload: { key: big(200_000), value: 1, by: 1 }, scope: "cluster", partitionKey: pk }).catch((err: unknown) => err);
    expect(refused).toMatchObject({ code: "payload_too_large" });
    expect(await rows("EventBus", pk, "SELECT entity_key FROM entities WHERE entity_key = ?", pk)).toEqual([]);
    expect(await outboxCount("EventBus", pk)).toBe(0);
  });
});

describe("the relay when the Queue refuses a row", () => {
  it("retries a failed batch row by row, so a failing row does not block a good row relayed with it", async () => {
    const queue = fakeQueue((key) => key === "bad");
    const [bad, good] = [incremented("bad"), incremented("good")];
    const outbox = await inShard(async (sql) => {
      writeOutbox(sql, "test", [bad, good], Date.now());
      const result = await relayOutbox(sql, { queue, ackTimeoutMs: 60_000, deadLetter: () => Promise.reject(new Error("not expected")) }, "test-producer");
      return { result, rows: sql.exec<OutboxRow>("SELECT event_id, sent_at, attempts, last_error FROM outbox ORDER BY seq").toArray() };
    });
    expect(queue.batches).toEqual([[bad.eventId, good.eventId], [bad.eventId], [good.eventId]]);
    expect(outbox.result.sent).toBe(1);
    expect(outbox.rows).toEqual([
      { event_id: bad.eventId, sent_at: null, attempts: 1, last_error: "Error: message too large" },
      { event_id: good.eventId, sent_at: expect.any(Number) as number, attempts: 0, last_error: null },
    ]);
  });

  it(`moves a row the Queue refuses ${MAX_RELAY_ATTEMPTS} times to the event dead letters, with why`, async () => {
    const queue = fakeQueue(() => true);
    const hooks = shardEventHooks({ ...env, EVENTS: queue as unknown as Queue }, cluster.app.events, () => new Router(env.SHARDS, cluster.app.entities));
    const event = incremented("always-refused");
    const attempts = await inShard(async (sql) => {
      writeOutbox(sql, "test", [event], Date.now());
      const seen: number[] = [];
      for (let i = 1; i <= MAX_RELAY_ATTEMPTS; i++) {
        sql.exec("UPDATE outbox SET next_attempt_at = 0"); // due now: no waiting out the backoff
        await hooks.relay(sql, "test-producer");
        seen.push(sql.exec<{ attempts: number }>("SELECT attempts FROM outbox").toArray()[0]?.attempts ?? -1);
      }
      return seen;
    });
    expect(queue.batches).toHaveLength(MAX_RELAY_ATTEMPTS);
    expect(attempts).toEqual([...Array.from({ length: MAX_RELAY_ATTEMPTS - 1 }, (_, i) => i + 1), -1]); // gone from the outbox at the last one
    const dead = await deadOf(event.eventId);
    expect(dead).toMatchObject({ subscription: null, attempts: MAX_RELAY_ATTEMPTS, error: { code: "relay_failed" } });
    expect(dead?.error.message).toContain(`refused the event ${MAX_RELAY_ATTEMPTS} times`);
  });

  it("dead-letters at once, without sending, a row already in the outbox whose message is over the limit", async () => {
    const queue = fakeQueue(() => false);
    const buried: { event: EventMessage; code: string }[] = [];
    const eventId = `evt_${crypto.randomUUID()}`;
    const left = await inShard(async (sql) => {
      sql.exec(
        "INSERT INTO outbox (event_id, type, payload, scope, delivery, entity_key, created_at) VALUES (?, 'counter.incremented', ?, 'cluster', 'at-least-once', 'legacy', ?)",
        eventId, JSON.stringify({ key: big(200_000), value: 1, by: 1 }), Date.now(),
      );
      await relayOutbox(sql, { queue, ackTimeoutMs: 60_000, deadLetter: (e, error) => (buried.push({ event: e, code: error.code }), Promise.resolve()) }, "test-producer");
      return sql.exec("SELECT 1 FROM outbox").toArray().length;
    });
    expect(queue.batches).toEqual([]);
    expect(buried.map((b) => [b.event.eventId, b.code])).toEqual([[eventId, "payload_too_large"]]);
    expect(left).toBe(0);
  });
});

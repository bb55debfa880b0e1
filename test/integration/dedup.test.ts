import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DEDUP_RETENTION_MS } from "../../src/shards/index.ts";
import { freshKey, rows, send, shardStub } from "./entity-helpers.ts";

const outboxCount = async (key: string) => (await rows<{ n: number }>("Counter", key, "SELECT COUNT(*) AS n FROM outbox WHERE entity_key = ?", key))[0]?.n;
const dedupCount = async (key: string) => (await rows<{ n: number }>("Counter", key, "SELECT COUNT(*) AS n FROM dedup WHERE entity_key = ?", key))[0]?.n;

describe("dedup (EVNT-04): a message with an id is applied once", () => {
  it("returns the stored reply, flagged, when the same Idempotency-Key is sent twice", async () => {
    const key = freshKey();
    const first = await send("Counter", key, "increment", { by: 3 }, { "idempotency-key": "pay-1" });
    const second = await send("Counter", key, "increment", { by: 3 }, { "idempotency-key": "pay-1" });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await first.json()).toEqual({ value: 3 });
    expect(await second.json()).toEqual({ value: 3 });
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await outboxCount(key)).toBe(1);
    expect(await dedupCount(key)).toBe(1);
  });

  it("runs the handler once for 20 concurrent deliveries of one id, every reply identical", async () => {
    const key = freshKey();
    const replies = await Promise.all(Array.from({ length: 20 }, () => send("Counter", key, "increment", { by: 7 }, { "idempotency-key": "burst" })));
    const bodies = await Promise.all(replies.map((r) => r.json()));
    expect(bodies.every((b) => JSON.stringify(b) === '{"value":7}')).toBe(true);
    expect(replies.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(19);
    expect(await outboxCount(key)).toBe(1);
    expect(await rows("Counter", key, "SELECT state FROM entities WHERE entity_key = ?", key)).toEqual([{ state: '{"value":7}' }]);
  });

  it("still answers a redelivery after the shard object was evicted", async () => {
    const key = freshKey();
    await send("Counter", key, "increment", { by: 4 }, { "idempotency-key": "evict-me" });
    await evictDurableObject(shardStub("Counter", key));
    const again = await send("Counter", key, "increment", { by: 4 }, { "idempotency-key": "evict-me" });
    expect(await again.json()).toEqual({ value: 4 });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await outboxCount(key)).toBe(1);
  });

  it("scopes ids per entity: the same id on another key is another message", async () => {
    const [a, b] = [freshKey(), freshKey()];
    await send("Counter", a, "increment", { by: 1 }, { "idempotency-key": "same" });
    const other = await send("Counter", b, "increment", { by: 1 }, { "idempotency-key": "same" });
    expect(other.headers.get("idempotent-replayed")).toBeNull();
  });

  it("stores long keys hashed, and still recognises them", async () => {
    const key = freshKey();
    const id = "k".repeat(200);
    await send("Counter", key, "increment", { by: 1 }, { "idempotency-key": id });
    const again = await send("Counter", key, "increment", { by: 1 }, { "idempotency-key": id });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const stored = await rows<{ message_id: string }>("Counter", key, "SELECT message_id FROM dedup WHERE entity_key = ?", key);
    expect(stored[0]?.message_id).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("records nothing when the handler fails, so a retry with the same id runs it", async () => {
    const key = freshKey("acct");
    const refused = await send("Account", key, "withdraw", { amount: 5 }, { "idempotency-key": "w-1" });
    expect(refused.status).toBe(409);
    await send("Account", key, "deposit", { amount: 5 });
    const retried = await send("Account", key, "withdraw", { amount: 5 }, { "idempotency-key": "w-1" });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual({ balance: 0 });
  });

  it("keeps records 24 hours and prunes them from the alarm, never a timer", async () => {
    // Account emits no events, so no outbox row (kept 1 hour) sets an earlier alarm than the dedup pruning.
    const key = freshKey("acct");
    await send("Account", key, "deposit", { amount: 1 }, { "idempotency-key": "old" });
    await send("Account", key, "deposit", { amount: 1 }, { "idempotency-key": "new" });
    const stub = shardStub("Account", key);
    const alarm = await runInDurableObject(stub, async (_i, state) => {
      state.storage.sql.exec("UPDATE dedup SET created_at = created_at - ?1, expires_at = expires_at - ?1 WHERE message_id = 'old'", DEDUP_RETENTION_MS + 1);
      return state.storage.getAlarm();
    });
    expect(alarm).not.toBeNull();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const left = await rows<{ message_id: string }>("Account", key, "SELECT message_id FROM dedup WHERE entity_key = ?", key);
    expect(left.map((r) => r.message_id)).toEqual(["new"]);
    const next = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    expect(next).toBeGreaterThan(Date.now() + DEDUP_RETENTION_MS - 60_000);
  });
});

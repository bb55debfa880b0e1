import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cluster } from "../fixtures/worker.ts";
import { ShardObject } from "../../src/objects/shard-object.ts";
import { Router } from "../../src/shards/index.ts";
import { freshKey, rows, send, shardStub } from "./entity-helpers.ts";
import { eventually } from "./event-helpers.ts";

type Queued = Pick<Queue, "send" | "sendBatch">;
interface OutboxRow extends Record<string, SqlStorageValue> { event_id: string; acked_at: number | null; attempts: number; sends: number; last_error: string | null; next_attempt_at: number }

/**
 * Runs `work` in the Counter shard that owns `key`, through a second `ShardObject` built on the
 * same storage with an Env whose `EVENTS` binding is `events`: the object's real code, with the
 * Queue failing or hanging. The real instance (real binding) keeps its alarm.
 */
function withEventsBinding<T>(key: string, events: Queued, work: (router: Router, state: DurableObjectState) => Promise<T>): Promise<T> {
  return runInDurableObject(shardStub("Counter", key), async (_real, state) => {
    const object = new ShardObject(state, { ...env, EVENTS: events as Queue }, cluster.app);
    await state.blockConcurrencyWhile(() => Promise.resolve()); // the constructor's own start-up (it re-arms the alarm from state) is done
    const router = new Router({ idFromName: (name) => env.SHARDS.idFromName(name), get: () => object }, cluster.app.entities);
    return work(router, state);
  });
}

const outboxOf = (key: string) => rows<OutboxRow>("Counter", key, "SELECT event_id, acked_at, attempts, sends, last_error FROM outbox WHERE entity_key = ?", key);
const stats = async (key: string) => (await send("CounterStats", key, "get")).json<{ increments: number }>();

describe("the relay of a shard object's outbox", () => {
  it("keeps the row owed when the object's EVENTS binding refuses its send right after the commit, then the alarm sends it with the same event id", async () => {
    const key = freshKey("relay-fail");
    await send("Counter", key, "get");
    let sends = 0;
    const failing: Queued = { send: () => Promise.reject(new Error("queue unavailable")), sendBatch: () => (sends++, Promise.reject(new Error("queue unavailable"))) };
    const pending = await withEventsBinding(key, failing, async (router, state) => {
      await router.request("Counter", key, "increment", { by: 1 });
      const row = () => state.storage.sql.exec<OutboxRow>("SELECT event_id, acked_at, attempts, last_error, next_attempt_at FROM outbox WHERE entity_key = ?", key).one();
      await eventually(() => row().attempts >= 1);
      return row();
    });
    expect(sends).toBe(1);
    expect(pending).toMatchObject({ acked_at: null, attempts: 1, last_error: "Error: queue unavailable" });
    expect(pending.next_attempt_at - Date.now()).toBeLessThan(2_000); // the relay's backoff, not the ack timeout
    // The real object's alarm, after the 1 s backoff, sends it; the consumer applies it and acknowledges it.
    await eventually(async () => (await outboxOf(key))[0]?.acked_at !== null);
    expect(await outboxOf(key)).toMatchObject([{ event_id: pending.event_id, attempts: 1, sends: 2 }]);
    await eventually(async () => (await stats(key)).increments === 1);
  });

  it("arms the alarm in the commit path, so a send that never finishes is redone from the alarm", async () => {
    const key = freshKey("relay-hung");
    await send("Counter", key, "get");
    let cut: (err: Error) => void = () => undefined;
    const hung = new Promise<never>((_resolve, reject) => (cut = reject));
    const hanging: Queued = { send: () => hung, sendBatch: () => hung };
    const eventId = await withEventsBinding(key, hanging, async (router, state) => {
      await router.request("Counter", key, "increment", { by: 2 });
      return state.storage.sql.exec<{ event_id: string }>("SELECT event_id FROM outbox WHERE entity_key = ? AND acked_at IS NULL", key).one().event_id;
    });
    const stub = shardStub("Counter", key);
    // Armed by the commit for when the row would be owed again (the ack timeout), whatever became of its send.
    const alarm = await runInDurableObject(stub, (_o, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect((alarm ?? 0) - Date.now()).toBeLessThanOrEqual(60_000);
    // Nothing activates the object again: its alarm, once the ack timeout passed (moved here), sends the row.
    await runInDurableObject(stub, (_o, state) => void state.storage.sql.exec("UPDATE outbox SET next_attempt_at = 0"));
    await runDurableObjectAlarm(stub);
    await eventually(async () => (await outboxOf(key))[0]?.acked_at !== null);
    expect((await outboxOf(key)).map((r) => r.event_id)).toEqual([eventId]);
    await eventually(async () => (await stats(key)).increments === 1);
    cut(new Error("the crashed relay's send never returned"));
  });
});

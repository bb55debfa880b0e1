import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cluster } from "../fixtures/worker.ts";
import { ShardObject } from "../../src/objects/shard-object.ts";
import { Router } from "../../src/shards/index.ts";
import { freshKey, rows, send, shardStub } from "./entity-helpers.ts";
import { eventually } from "./event-helpers.ts";

type Queued = Pick<Queue, "send" | "sendBatch">;
interface OutboxRow extends Record<string, SqlStorageValue> { event_id: string; sent_at: number | null; attempts: number; last_error: string | null }

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

const outboxOf = (key: string) => rows<OutboxRow>("Counter", key, "SELECT event_id, sent_at, attempts, last_error FROM outbox WHERE entity_key = ?", key);
const stats = async (key: string) => (await send("CounterStats", key, "get")).json<{ increments: number }>();

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe("the relay of a shard object's outbox", () => {
  it("keeps the row pending when the object's EVENTS binding fails, then retries it from the alarm and sends it with the same event id", async () => {
    const key = freshKey("relay-fail");
    await send("Counter", key, "get");
    let sends = 0;
    const failing: Queued = { send: () => Promise.reject(new Error("queue unavailable")), sendBatch: () => (sends++, Promise.reject(new Error("queue unavailable"))) };
    const pending = await withEventsBinding(key, failing, async (router, state) => {
      await router.request("Counter", key, "increment", { by: 1 });
      const row = () => state.storage.sql.exec<OutboxRow>("SELECT event_id, sent_at, attempts, last_error FROM outbox WHERE entity_key = ?", key).one();
      await until(() => row().attempts >= 1);
      return row();
    });
    expect(sends).toBe(1);
    expect(pending).toMatchObject({ sent_at: null, attempts: 1, last_error: "Error: queue unavailable" });
    await eventually(async () => (await outboxOf(key))[0]?.sent_at !== null); // the real object's alarm, after the 1 s backoff
    expect(await outboxOf(key)).toEqual([{ event_id: pending.event_id, sent_at: expect.any(Number) as number, attempts: 1, last_error: "Error: queue unavailable" }]);
    await eventually(async () => (await stats(key)).increments === 1);
  });

  it("arms the alarm in the commit path, so a relay that never finishes is redone from the alarm", async () => {
    const key = freshKey("relay-hung");
    await send("Counter", key, "get");
    let cut: (err: Error) => void = () => undefined;
    const hung = new Promise<never>((_resolve, reject) => (cut = reject));
    const hanging: Queued = { send: () => hung, sendBatch: () => hung };
    const eventId = await withEventsBinding(key, hanging, async (router, state) => {
      await router.request("Counter", key, "increment", { by: 2 });
      return state.storage.sql.exec<{ event_id: string }>("SELECT event_id FROM outbox WHERE entity_key = ? AND sent_at IS NULL", key).one().event_id;
    });
    // Nothing activates the object again: only the alarm armed at commit can relay the row.
    await eventually(async () => (await outboxOf(key))[0]?.sent_at !== null);
    expect((await outboxOf(key)).map((r) => r.event_id)).toEqual([eventId]);
    await eventually(async () => (await stats(key)).increments === 1);
    cut(new Error("the crashed relay's send never returned"));
  });
});

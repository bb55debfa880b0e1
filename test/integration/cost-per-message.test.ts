import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { freshKey, send, shardStub } from "./entity-helpers.ts";
import { until } from "./job-helpers.ts";
import { api, eventually, pingLog } from "./event-helpers.ts";
import { ownerKey } from "../../src/events/publish.ts";

/**
 * The cost of one entity message, counted exactly rather than timed: the SQLite statements its
 * shard runs and the calls the shard object receives. Timings are noisy on CI machines; these
 * counts are not, so a change that adds a statement or a round trip to the hot path shows here.
 */
interface Counter {
  statements: string[];
  calls: string[];
  /** The shard's own `exec`, uncounted: for the test's reads. */
  raw<T extends Record<string, SqlStorageValue>>(query: string, ...params: SqlStorageValue[]): SqlStorageCursor<T>;
}

/** Counts, from now on, every statement the shard owning `key` runs and every RPC it answers. */
const restore: (() => void)[] = [];
afterEach(() => {
  for (const undo of restore.splice(0)) undo();
});

async function countIn(type: string, key: string): Promise<Counter> {
  let exec: SqlStorage["exec"] | undefined;
  const counter: Counter = {
    statements: [],
    calls: [],
    raw: <T extends Record<string, SqlStorageValue>>(query: string, ...params: SqlStorageValue[]) => {
      if (!exec) throw new Error("not counting yet");
      return exec<T>(query, ...params);
    },
  };
  await runInDurableObject(shardStub(type, key), (instance: object, state) => {
    const sql = state.storage.sql;
    exec = sql.exec.bind(sql);
    const own = exec;
    restore.push(() => void (sql.exec = own));
    sql.exec = ((query: string, ...params: SqlStorageValue[]) => {
      counter.statements.push(query.split(/\s+/).slice(0, 3).join(" "));
      return (exec as SqlStorage["exec"])(query, ...params);
    }) as typeof sql.exec;
    // RPC dispatches to prototype methods only: wrap them there, counting calls on this instance.
    for (const method of ["deliver", "enqueue", "deliverMany", "deliverOrdered", "ackEvents"]) {
      let proto: object | null = Object.getPrototypeOf(instance) as object | null;
      while (proto && !Object.hasOwn(proto, method)) proto = Object.getPrototypeOf(proto) as object | null;
      if (!proto) continue;
      const owner = proto as Record<string, unknown>;
      const original = owner[method] as (...a: unknown[]) => unknown;
      owner[method] = function (this: object, ...args: unknown[]) {
        if (this === instance) counter.calls.push(method);
        return original.apply(this, args);
      };
      restore.push(() => void (owner[method] = original));
    }
  });
  return counter;
}

describe("the cost of one entity message, counted", () => {
  it("a request with an Idempotency-Key: one call to the shard, one read and two writes", async () => {
    const key = freshKey("cost");
    expect((await send("Account", key, "deposit", { amount: 1 }, { "idempotency-key": freshKey("warm") })).status).toBe(200);
    const counter = await countIn("Account", key);
    const id = freshKey("id");
    expect((await send("Account", key, "deposit", { amount: 1 }, { "idempotency-key": id })).status).toBe(200);
    console.log(`[report] entity request with dedup: ${counter.calls.length} shard call(s), ${counter.statements.length} SQLite statements: ${counter.statements.join(" · ")}`);
    expect(counter.calls).toEqual(["deliver"]);
    expect(counter.statements).toEqual(["SELECT (SELECT reply", "INSERT INTO entities", "INSERT INTO dedup"]);
    // The same id again: one read finds the stored reply, nothing is written.
    counter.statements.length = 0;
    expect((await send("Account", key, "deposit", { amount: 1 }, { "idempotency-key": id })).status).toBe(200);
    expect(counter.statements).toEqual(["SELECT (SELECT reply"]);
  });

  it("a notify: one call stores it; storing and applying it run these statements", async () => {
    const key = freshKey("cost");
    expect((await send("Account", key, "deposit", { amount: 1 })).status).toBe(200);
    const counter = await countIn("Account", key);
    expect((await send("Account", key, "deposit", { amount: 1 }, { prefer: "respond-async" })).status).toBe(202);
    const applied = () => runInDurableObject(shardStub("Account", key), () => counter.raw<{ n: number }>("SELECT COUNT(*) AS n FROM inbox WHERE entity_key = ?", key).one().n === 0);
    await until(applied);
    console.log(`[report] entity notify: ${counter.calls.length} shard call(s), ${counter.statements.length} SQLite statements: ${counter.statements.join(" · ")}`);
    expect(counter.calls).toEqual(["enqueue"]);
    // Once the drain is done, the shard asks when its alarm must next come: one read each of its
    // own tables (due notifies, expiring dedup records, failed rows), the outbox, the ordered
    // streams and the jobs. Storing needs no such read: the row is due now, so is the alarm.
    // (A notify took 34 statements before the reads were merged, 18 before storing skipped them.)
    const housekeeping = ["SELECT (SELECT MIN(CASE", "SELECT MIN(t) AS", "SELECT 1 FROM", "SELECT (SELECT MIN(lease_until)"];
    expect(counter.statements).toEqual([
      ...["SELECT COUNT(*) AS", "SELECT reply FROM", "INSERT INTO inbox"], // store: mailbox count, dedup, the row
      ...["SELECT seq, entity_key,", "UPDATE inbox SET"], // claim the row
      ...["SELECT (SELECT reply", "INSERT INTO entities", "INSERT INTO dedup", "DELETE FROM inbox"], // apply: as a request, then done
      "SELECT seq, entity_key,", // nothing more to run
      ...housekeeping,
    ]);
  });

  it("an event: published at its owner, delivered exactly once at its subscriber, acknowledged back", async () => {
    const pk = freshKey("cost-ev");
    const owner = ownerKey(pk, "");
    const publish = async (n: number) => expect((await api("/v1/events", { method: "POST", body: { type: "demo.ping", payload: { n }, partitionKey: pk } })).status).toBe(202);
    const acked = (n: number) => () => runInDurableObject(shardStub("EventBus", owner), () => counters[0]?.raw<{ n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE partition_key = ? AND acked_at IS NOT NULL", pk).one().n === n);
    await publish(1);
    await eventually(async () => (await pingLog(pk)).applied === 1);
    const counters = [await countIn("EventBus", owner), await countIn("PingLog", pk)] as const;
    await publish(2);
    // The acknowledgement comes after the subscriber's commit: wait on it, not on the subscriber (whose reads would be counted).
    await until(acked(2));
    const [atOwner, atSubscriber] = counters;
    console.log(`[report] event at its owner: ${atOwner.calls.join(", ")}; ${atOwner.statements.length} SQLite statements: ${atOwner.statements.join(" · ")}`);
    console.log(`[report] event at its subscriber: ${atSubscriber.calls.join(", ")}; ${atSubscriber.statements.length} SQLite statements: ${atSubscriber.statements.join(" · ")}`);
    expect(atOwner.calls).toEqual(["deliver", "ackEvents"]);
    // Published without an Idempotency-Key: its id is new, so the owner keeps no dedup record for it.
    expect(atOwner.statements).toEqual(["SELECT state, version", "INSERT INTO outbox_sequences", "INSERT INTO outbox", "UPDATE outbox SET"]);
    expect(atSubscriber.calls).toEqual(["deliverOrdered"]);
    expect(atSubscriber.statements).toEqual(["SELECT COALESCE((SELECT next_seq", "SELECT (SELECT reply", "INSERT INTO entities", "INSERT INTO dedup", "INSERT INTO order_streams"]);
    expect((await pingLog(pk)).ns).toEqual([1, 2]);
  });
});

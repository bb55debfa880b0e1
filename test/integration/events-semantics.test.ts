import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cluster } from "../fixtures/worker.ts";
import { DEAD_LETTER_SINGLETON } from "../../src/events/dlq-client.ts";
import { pendingEvent, writeOutbox } from "../../src/storage/outbox.ts";
import { freshKey, rows, send, shardStub } from "./entity-helpers.ts";
import { consume, ping, pingLog } from "./event-helpers.ts";

/** The failures the dead-letter store recorded for an event (what would become its dead letters). */
function failuresOf(eventId: string): Promise<unknown[]> {
  const stub = env.SINGLETONS.get(env.SINGLETONS.idFromName(DEAD_LETTER_SINGLETON));
  return runInDurableObject(stub, (_i, state) => state.storage.sql.exec("SELECT * FROM event_failures WHERE event_id = ?", eventId).toArray());
}

describe("delivery semantics: the emitter's and the subscription's combined", () => {
  it("gives a best-effort event one attempt, no retry and no dead letter, even to an exactly-once subscriber", async () => {
    const pk = freshKey("be-event");
    await send("PingLog", pk, "block", { n: 1 });
    const event = ping(1, { partitionKey: pk, delivery: "best-effort" });
    expect(await consume("events", [event])).toMatchObject({ acked: 1, retried: 0 });
    expect(await failuresOf(event.eventId)).toEqual([]);
    await send("PingLog", pk, "unblock", { n: 1 });
    expect(await consume("events", [event], 2)).toMatchObject({ acked: 1, retried: 0 });
    expect((await pingLog(pk)).applied).toBe(0); // a redelivery is not a second attempt
    await consume("events", [event, event]); // the Queue delivering it twice: the subscriber's dedup still holds
    expect((await pingLog(pk)).applied).toBe(1);
  });

  it("still deduplicates an at-least-once event at an exactly-once subscriber, and retries it on failure", async () => {
    const pk = freshKey("alo-event");
    await send("PingLog", pk, "block", { n: 2 });
    const event = ping(2, { partitionKey: pk, delivery: "at-least-once" });
    expect(await consume("events", [event])).toMatchObject({ acked: 0, retried: 1 });
    expect(await failuresOf(event.eventId)).toHaveLength(1);
    await send("PingLog", pk, "unblock", { n: 2 });
    await consume("events", [event, event], 2);
    expect(await pingLog(pk)).toMatchObject({ applied: 1, ns: [2] });
  });

  it("never sequences a best-effort emit, so a lost one leaves no gap in its partition", async () => {
    const key = freshKey("seq");
    await send("Counter", key, "get");
    const sequences = await runInDurableObject(shardStub("Counter", key), (_i, state) => {
      const emit = (deliverySemantics: "best-effort" | "at-least-once") => pendingEvent("demo.ping", { n: 1 }, { scope: "cluster", partitionKey: key, deliverySemantics }, cluster.app.events.validate);
      state.storage.transactionSync(() => writeOutbox(state.storage.sql, key, [emit("at-least-once"), emit("best-effort"), emit("at-least-once")], Date.now()));
      return state.storage.sql.exec<{ sequence: number | null }>("SELECT sequence FROM outbox WHERE entity_key = ? ORDER BY seq", key).toArray().map((r) => r.sequence);
    });
    expect(sequences).toEqual([1, null, 2]);
  });
});

describe("a best-effort subscription on sequenced events", () => {
  it("does not hold its stream when a delivery fails: the next event of the partition is applied at once", async () => {
    const pk = freshKey("lossy");
    const subscriber = `lossy:be-${pk}`;
    await send("PingLog", subscriber, "block", { n: 1 });
    const [first, second] = [1, 2].map((n) => ping(n, { scope: "tenant", tenantId: "lossy" as never, partitionKey: pk, sequence: n, producer: `p-${pk}`, delivery: "at-least-once" }));
    expect(await consume("events", [first])).toMatchObject({ acked: 1, retried: 0 });
    expect(await consume("events", [second])).toMatchObject({ acked: 1, retried: 0 });
    expect((await pingLog(subscriber)).ns).toEqual([2]);
    expect(await rows("PingLog", subscriber, "SELECT seq FROM order_held WHERE entity_key = ?", subscriber)).toEqual([]);
    expect(await rows("PingLog", subscriber, "SELECT * FROM order_streams WHERE stream LIKE 'ping-lossy|%' AND instr(stream, ?) > 0", pk)).toEqual([]);
    expect((await pingLog(`lossy:${pk}`)).ns).toEqual([1, 2]); // the exactly-once subscription of the same events, in order
  });
});

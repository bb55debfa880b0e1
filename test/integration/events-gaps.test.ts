import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import { setQueueFaults } from "../../src/events/queue-faults.ts";
import { shardOf } from "../../src/shards/index.ts";
import type { DeadLetter, StuckStream } from "../../src/spec/index.ts";
import { freshKey, rows, send, shardStub } from "./entity-helpers.ts";
import { api, eventually, pingLog } from "./event-helpers.ts";

const REFETCHES = 10; // EVENT_GAP_REFETCHES, the default
const publish = (pk: string, n: number) => api("/v1/events", { method: "POST", headers: { "idempotency-key": `${pk}-${n}` }, body: { type: "demo.ping", payload: { n }, partitionKey: pk } });
const streamOf = (pk: string) => `ping-log|EventBus/${shardOf(pk, 64)}|${pk}`;
const isPing = (pk: string, n: number) => (body: unknown) => {
  const e = body as { type?: string; partitionKey?: string; payload?: { n?: number } };
  return e.type === "demo.ping" && e.partitionKey === pk && e.payload?.n === n;
};
const stuck = async (pk: string) => (await (await api("/v1/events/streams?stuck=true")).json<{ items: StuckStream[] }>()).items.filter((s) => s.stream === streamOf(pk));
const gapLetters = async (pk: string) => (await (await api("/v1/events/dead?type=demo.ping&limit=200")).json<{ items: DeadLetter[] }>()).items.filter((d) => d.gap?.stream === streamOf(pk));

/** Publishes pings 1, 2, 3 while every send of ping 2 is lost: the subscriber applies 1 and holds 3. */
async function gapAtTwo(pk: string, keepLosing = false): Promise<void> {
  setQueueFaults({ dropWhere: isPing(pk, 2) });
  for (const n of [1, 2, 3]) expect((await publish(pk, n)).status).toBe(202);
  await eventually(async () => (await rows("PingLog", pk, "SELECT seq FROM order_held WHERE entity_key = ?", pk)).length === 1);
  expect((await pingLog(pk)).ns).toEqual([1]);
  if (!keepLosing) setQueueFaults(null);
}

/** Time travel at the subscriber: its oldest held event is an hour old and any re-fetch due; its alarm runs. */
async function gapCheck(pk: string): Promise<void> {
  const stub = shardStub("PingLog", pk);
  await runInDurableObject(stub, (_o, state) => {
    state.storage.sql.exec("UPDATE order_held SET held_at = held_at - 3600000");
    state.storage.sql.exec("UPDATE order_gaps SET next_at = 0");
  });
  await runDurableObjectAlarm(stub);
}

const forgetAtProducer = (pk: string, sequence: number) => runInDurableObject(shardStub("EventBus", pk), (_o, state) => void state.storage.sql.exec("DELETE FROM outbox WHERE partition_key = ? AND sequence = ?", pk, sequence));

afterEach(() => setQueueFaults(null));

describe("a gap in an ordered stream", () => {
  it("is asked of the producer once it is older than EVENT_GAP_TIMEOUT_MS, and the event it sends again is applied in order", async () => {
    const pk = freshKey("gap-fill");
    await gapAtTwo(pk);
    await gapCheck(pk);
    await eventually(async () => (await pingLog(pk)).ns.length === 3);
    expect((await pingLog(pk)).ns).toEqual([1, 2, 3]);
    await eventually(async () => (await stuck(pk)).length === 0);
    expect(await rows("PingLog", pk, "SELECT stream FROM order_gaps")).toEqual([]);
  });

  it(`is listed stuck, and after ${REFETCHES} unanswered re-fetches becomes a gap dead letter and the stream moves past it`, async () => {
    const pk = freshKey("gap-lost");
    await gapAtTwo(pk);
    await forgetAtProducer(pk, 2); // the producer no longer has it: nothing can fill the gap
    await gapCheck(pk);
    expect(await stuck(pk)).toMatchObject([{ stream: streamOf(pk), object: `PingLog/${shardOf(pk, 64)}`, nextSequence: 2, held: 1, refetches: 0 }]);
    for (let i = 1; i <= REFETCHES; i++) await gapCheck(pk);
    await eventually(async () => (await pingLog(pk)).ns.length === 2);
    expect((await pingLog(pk)).ns).toEqual([1, 3]);
    const [letter] = await gapLetters(pk);
    expect(letter).toMatchObject({ event: null, subscription: null, error: { code: "gap" }, gap: { stream: streamOf(pk), sequence: 2, producer: `EventBus/${shardOf(pk, 64)}` } });
    expect(letter?.attempts).toBeGreaterThanOrEqual(REFETCHES); // the real alarm may have asked once more meanwhile
    expect((await api(`/v1/events/dead/${letter?.id ?? ""}/replay`, { method: "POST" })).status).toBe(409);
    await eventually(async () => (await stuck(pk)).length === 0);
  });

  it("keeps the event in its gap dead letter when the producer still has it, and replaying it applies it once, late", async () => {
    const pk = freshKey("gap-late");
    await gapAtTwo(pk, true); // every send of ping 2 is lost, re-sends too
    for (let i = 0; i <= REFETCHES; i++) await gapCheck(pk);
    await eventually(async () => (await pingLog(pk)).ns.length === 2);
    setQueueFaults(null);
    const [letter] = await gapLetters(pk);
    expect(letter).toMatchObject({ subscription: "ping-log", error: { code: "gap" }, event: { payload: { n: 2 }, sequence: 2 } });
    expect((await api(`/v1/events/dead/${letter?.id ?? ""}/replay`, { method: "POST" })).status).toBe(202);
    await eventually(async () => (await pingLog(pk)).ns.length === 3);
    // The producer's own re-send of the still-owed row arrives too: the stream passed it, it is a duplicate.
    const owner = shardStub("EventBus", pk);
    await runInDurableObject(owner, (_o, state) => void state.storage.sql.exec("UPDATE outbox SET next_attempt_at = 0 WHERE acked_at IS NULL"));
    await runDurableObjectAlarm(owner);
    await eventually(async () => (await rows<{ n: number }>("EventBus", pk, "SELECT COUNT(*) AS n FROM outbox WHERE acked_at IS NULL"))[0]?.n === 0);
    expect((await pingLog(pk)).ns).toEqual([1, 3, 2]);
  });

  it("is skipped on POST /v1/events/streams/{stream}/skip, which applies what the stream held", async () => {
    const pk = freshKey("gap-skip");
    await gapAtTwo(pk);
    await forgetAtProducer(pk, 2);
    await gapCheck(pk);
    expect(await stuck(pk)).toHaveLength(1);
    const res = await api(`/v1/events/streams/${encodeURIComponent(streamOf(pk))}/skip`, { method: "POST", body: {} });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ stream: streamOf(pk), results: [{ object: `PingLog/${shardOf(pk, 64)}`, sequence: 2, status: "skipped" }] });
    expect((await pingLog(pk)).ns).toEqual([1, 3]);
    await eventually(async () => (await stuck(pk)).length === 0);
    expect((await api(`/v1/events/streams/${encodeURIComponent(streamOf(pk))}/skip`, { method: "POST", body: {} })).status).toBe(404);
  });

  it("keeps a held event it handed back to the Queue until its copy is applied, so a lost copy is tried again", async () => {
    const pk = freshKey("gap-handback");
    await send("PingLog", pk, "block", { n: 3 }); // ping 3 fails at the subscriber for now
    await gapAtTwo(pk);
    // Every copy of ping 3 handed back for ping-log is lost.
    setQueueFaults({ dropWhere: (b) => isPing(pk, 3)(b) && (b as { subscription?: string }).subscription === "ping-log" });
    await gapCheck(pk); // ping 2 comes again and is applied; held ping 3 fails three times and is handed back
    await eventually(async () => (await pingLog(pk)).ns.length === 2);
    const [held] = await rows<{ seq: number; retry_at: number }>("PingLog", pk, "SELECT seq, retry_at FROM order_held WHERE entity_key = ?", pk);
    expect(held?.seq).toBe(3);
    expect(held?.retry_at).toBeGreaterThan(Date.now());
    setQueueFaults(null);
    await send("PingLog", pk, "unblock", { n: 3 });
    const stub = shardStub("PingLog", pk);
    await runInDurableObject(stub, (_o, state) => void state.storage.sql.exec("UPDATE order_held SET retry_at = 0"));
    await runDurableObjectAlarm(stub);
    await eventually(async () => (await pingLog(pk)).ns.length === 3);
    expect((await pingLog(pk)).ns).toEqual([1, 2, 3]);
    expect(await rows("PingLog", pk, "SELECT seq FROM order_held WHERE entity_key = ?", pk)).toEqual([]);
  });
});

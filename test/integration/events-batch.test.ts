import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cluster } from "../fixtures/worker.ts";
import { ownerKey, publishEvents } from "../../src/events/publish.ts";
import { AppError } from "../../src/spec/index.ts";
import { rows } from "./entity-helpers.ts";
import { eventually, pingLog } from "./event-helpers.ts";

const batchOf = (pk: string, ns: readonly number[]) => ns.map((n) => ({ event: { type: "demo.ping", payload: { n }, scope: "cluster" as const, partitionKey: pk }, eventId: `b.${pk}.${n}` }));

describe("publishEvents: several events to their owner in one call", () => {
  it("writes 150 events of one partition key in two calls, sequenced 1–150, and delivers each once in order", async () => {
    const pk = `batch-${crypto.randomUUID()}`;
    const ns = Array.from({ length: 150 }, (_, i) => i + 1);
    await publishEvents(cluster.router(env), cluster.app.events, batchOf(pk, ns));
    const owned = await rows<{ event_id: string; sequence: number }>("EventBus", ownerKey(pk, ""), "SELECT event_id, sequence FROM outbox WHERE partition_key = ? ORDER BY seq", pk);
    expect(owned).toEqual(ns.map((n) => ({ event_id: `b.${pk}.${n}`, sequence: n })));
    // Two calls (100 + 50): two dedup records at the owner, not 150.
    expect(await rows("EventBus", ownerKey(pk, ""), "SELECT message_id FROM dedup WHERE message = 'publishBatch' AND entity_key = ?", ownerKey(pk, ""))).toHaveLength(2);
    await eventually(async () => (await pingLog(pk)).applied === 150);
    expect((await pingLog(pk)).ns).toEqual(ns);
  });

  it("stores nothing twice when a batch is sent again, or when it overlaps events already published", async () => {
    const pk = `batch-again-${crypto.randomUUID()}`;
    await publishEvents(cluster.router(env), cluster.app.events, batchOf(pk, [1, 2, 3]));
    await publishEvents(cluster.router(env), cluster.app.events, batchOf(pk, [1, 2, 3]));
    await publishEvents(cluster.router(env), cluster.app.events, batchOf(pk, [2, 3, 4]));
    const owned = await rows<{ event_id: string; sequence: number }>("EventBus", ownerKey(pk, ""), "SELECT event_id, sequence FROM outbox WHERE partition_key = ? ORDER BY seq", pk);
    // The repeated ids took no sequence: 4 is sequence 4, so the ordered subscriber has no gap to wait on.
    expect(owned).toEqual([1, 2, 3, 4].map((n) => ({ event_id: `b.${pk}.${n}`, sequence: n })));
    await eventually(async () => (await pingLog(pk)).applied === 4);
    expect((await pingLog(pk)).ns).toEqual([1, 2, 3, 4]);
  });

  it("checks every event before sending any: one invalid payload refuses the batch and stores nothing", async () => {
    const pk = `batch-bad-${crypto.randomUUID()}`;
    const events = [...batchOf(pk, [1, 2]), { event: { type: "demo.ping", payload: { n: "x" }, scope: "cluster" as const, partitionKey: pk }, eventId: `b.${pk}.bad` }];
    const refused = await publishEvents(cluster.router(env), cluster.app.events, events).then(() => null, (err: unknown) => err);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("validation_failed");
    expect(await rows("EventBus", ownerKey(pk, ""), "SELECT event_id FROM outbox WHERE partition_key = ?", pk)).toEqual([]);
  });
});

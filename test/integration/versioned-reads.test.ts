import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { JOB_SHARDS, newJobId } from "../../src/jobs/job-id.ts";
import { jobEventKey } from "../../src/jobs/subscription.ts";
import { shardOf } from "../../src/shards/index.ts";
import { jobRow, jobShardStub, keyForShard, shardRows, submit, until } from "./job-helpers.ts";

type Found = { status: string; result: string | null; input: string };

/** Stores a job row as older code wrote it, due now, and arms the shard's alarm (as its submit did). */
async function storeAsOldCode(shard: number, id: string, input: unknown): Promise<void> {
  await submit({ type: "demo.echo", input: { message: "the shard learns it holds jobs" }, key: keyForShard(shard) });
  await shardRows(shard, "INSERT INTO jobs (id, type, input, status, max_attempts, budget, run_at, created_at, updated_at) VALUES (?, 'demo.greet', ?, 'pending', 5, 5, ?, ?, ?)", id, JSON.stringify(input), Date.now() - 1, Date.now(), Date.now());
  await runInDurableObject(jobShardStub(shard), (_i, state) => state.storage.setAlarm(Date.now() + 60_000));
}

describe("versioned payloads are upgraded when read (EVNT-06)", () => {
  it("hands a subscriber a v1 event payload, as emitted by older code, upgraded to v2", async () => {
    const eventId = `evt-greet-${crypto.randomUUID()}`;
    // Exactly what v1 code put on the Queue: a payload without `v` and without `greeting`.
    await env.EVENTS.send({ eventId, type: "demo.greeted", version: 1, payload: { name: "Ada" }, scope: "cluster", delivery: "at-least-once", producer: "v1-code", emittedAt: Date.now() });
    const key = jobEventKey(eventId);
    const found = async () => (await shardRows<Found>(shardOf(key, JOB_SHARDS), "SELECT status, result, input FROM jobs WHERE idempotency_key = ?", key))[0];
    await until(async () => (await found())?.status === "completed", 20_000);
    const job = await found();
    // The subscriber shouts v2's `greeting`: it saw the payload upgraded (a v1 payload has none).
    expect(JSON.parse(job?.input ?? "null")).toEqual({ v: 2, name: "Ada", greeting: "HELLO" });
    expect(JSON.parse(job?.result ?? "null")).toEqual({ text: "HELLO, Ada", v: 2 });
  });

  it("runs a job whose input was stored by v1 code with the input upgraded to v2", async () => {
    const id = newJobId(9);
    await storeAsOldCode(9, id, { name: "Bo" });
    expect(await runDurableObjectAlarm(jobShardStub(9))).toBe(true);
    await until(async () => (await jobRow(id))?.status === "completed");
    expect(JSON.parse((await jobRow(id))?.result ?? "null")).toEqual({ text: "hello, Bo", v: 2 });
  });

  it("sends a job whose stored input fits no version straight to dead, saying why", async () => {
    const id = newJobId(10);
    await storeAsOldCode(10, id, { v: 7, name: "Cy" });
    expect(await runDurableObjectAlarm(jobShardStub(10))).toBe(true);
    await until(async () => (await jobRow(id))?.status === "dead");
    expect((await jobRow(id))?.last_error).toContain("unsupported version 7");
  });
});

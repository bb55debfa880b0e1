import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { unwrap } from "../../src/shards/delivery.ts";
import { send } from "./entity-helpers.ts";
import { dueAt, singletonRows, singletonStub } from "./singleton-helpers.ts";

interface Entry { source: string; tickId: string; isLeader: boolean; shardId?: number }
const log = async (key: string) => (await (await send("TickLog", key, "list")).json<{ entries: Entry[] }>()).entries;

/** Activates a service's singleton and makes its next tick due now; returns that tick's scheduled time. */
async function tickNow(singleton: string, taskId: string): Promise<number> {
  unwrap(await singletonStub(singleton).sync(singleton));
  const at = Date.now() - 1000;
  await dueAt(singleton, taskId, at);
  return at;
}

describe("leader strategies (ServiceClusterAnnotations)", () => {
  it("leader-elected runs once per tick in its singleton, where isLeader is true", async () => {
    await tickNow("leader-report", "service:leader-report");
    await runDurableObjectAlarm(singletonStub("leader-report"));
    await tickNow("leader-report", "service:leader-report");
    await runDurableObjectAlarm(singletonStub("leader-report"));
    const entries = await log("leader-report");
    expect(entries).toHaveLength(2);
    expect(new Set(entries.map((e) => e.tickId)).size).toBe(2);
    expect(entries.every((e) => e.isLeader && e.shardId === undefined)).toBe(true);
  });

  it("partitioned runs once per shard per tick, deduplicated when the tick is re-run, with isLeader false", async () => {
    const at = await tickNow("partition-sweep", "service:partition-sweep");
    await runDurableObjectAlarm(singletonStub("partition-sweep"));
    // Re-run the same tick, as after a crash: every shard answers from its dedup record.
    await singletonRows("partition-sweep", "UPDATE runs SET status = 'running', lease_until = ? WHERE scheduled_at = ?", Date.now() - 1, at);
    await runDurableObjectAlarm(singletonStub("partition-sweep"));
    const entries = await log("partition-sweep");
    expect(entries).toHaveLength(64);
    expect(entries.map((e) => e.shardId).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(entries.every((e) => !e.isLeader)).toBe(true);
    expect(await singletonRows("partition-sweep", "SELECT status, attempts FROM runs WHERE scheduled_at = ?", at)).toEqual([{ status: "succeeded", attempts: 2 }]);
  });

  it("idempotent-broadcast runs in every shard for every tick with the tick id as its key", async () => {
    const first = await tickNow("broadcast-refresh", "service:broadcast-refresh");
    await runDurableObjectAlarm(singletonStub("broadcast-refresh"));
    await tickNow("broadcast-refresh", "service:broadcast-refresh");
    await runDurableObjectAlarm(singletonStub("broadcast-refresh"));
    const entries = await log("broadcast-refresh");
    expect(entries).toHaveLength(128);
    const firstTick = `service:broadcast-refresh@${new Date(first).toISOString()}`;
    expect(entries.filter((e) => e.tickId === firstTick)).toHaveLength(64);
    expect(entries.every((e) => !e.isLeader)).toBe(true);
  });

  it("runs a task declared in code, upserted when its singleton activates, with isLeader false", async () => {
    const at = await tickNow("default", "heartbeat");
    await runDurableObjectAlarm(singletonStub("default"));
    const tasks = await singletonRows<{ task_id: string; source: string }>("default", "SELECT task_id, source FROM tasks");
    expect(tasks).toEqual([{ task_id: "heartbeat", source: "code" }]);
    expect(await (await send("Counter", "heartbeat", "get")).json()).toEqual({ value: 1 });
    // Only leader-elected services are leaders (CLUS-04): a plain task's context says false.
    expect(await log("heartbeat")).toMatchObject([{ source: "heartbeat", tickId: `heartbeat@${new Date(at).toISOString()}`, isLeader: false }]);
    expect(await singletonRows("default", "SELECT status, attempts FROM runs WHERE task_id = 'heartbeat' AND scheduled_at = ?", at)).toEqual([{ status: "succeeded", attempts: 1 }]);
  });

  it("retires a code task the code no longer declares", async () => {
    const name = "leader-report";
    await singletonRows(name, "INSERT INTO tasks (task_id, source, spec, schedule, catch_up, catch_up_cap, max_attempts, paused, anchor, next_run_at, created_at, updated_at) VALUES ('old-task', 'code', '', '{\"every\":\"1h\"}', 'skip', 1, 3, 0, 0, 0, 0, 0)");
    const stub = singletonStub(name);
    await evictDurableObject(stub);
    unwrap(await stub.sync(name));
    expect((await singletonRows<{ task_id: string }>(name, "SELECT task_id FROM tasks")).map((r) => r.task_id)).toEqual(["service:leader-report"]);
  });
});

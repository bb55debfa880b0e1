import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createJobRegistry, defineJob, SHARD_JOB_CONCURRENCY } from "../../src/jobs/define.ts";
import { JOB_SHARDS, newJobId } from "../../src/jobs/job-id.ts";
import { JobRunner } from "../../src/jobs/job-runner.ts";
import { AlarmClock } from "../../src/storage/alarm-clock.ts";
import type { EntityType, ShardId } from "../../src/spec/index.ts";
import { keyForShard, shardRows, submit, until } from "./job-helpers.ts";

type Span = { type: string; status: string; attempts: number; started_at: number | null; finished_at: number | null };
const SPANS = "SELECT type, status, attempts, started_at, finished_at FROM jobs";

/**
 * The most jobs whose `[started_at, finished_at)` overlap at one instant: exact for jobs that ran
 * once (a finish at t frees its slot before a start at t, as a finishing job starts the next).
 */
function maxOverlap(spans: readonly Span[]): number {
  const edges = spans.flatMap((s) => [[s.started_at ?? 0, 1], [s.finished_at ?? Infinity, -1]] as const);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, delta] of edges) most = Math.max(most, (open += delta));
  return most;
}

/** Polls the running rows of job shard `shard` (per type) until every row is completed; the largest counts seen. */
async function sampleUntilDone(shard: number): Promise<{ total: number; byType: Map<string, number>; samples: number }> {
  const seen = { total: 0, byType: new Map<string, number>(), samples: 0 };
  await until(async () => {
    const rows = await shardRows<{ type: string; n: number }>(shard, "SELECT type, COUNT(*) AS n FROM jobs WHERE status = 'running' GROUP BY type");
    seen.samples += 1;
    seen.total = Math.max(seen.total, rows.reduce((sum, r) => sum + r.n, 0));
    for (const r of rows) seen.byType.set(r.type, Math.max(seen.byType.get(r.type) ?? 0, r.n));
    const [left] = await shardRows<{ n: number }>(shard, "SELECT COUNT(*) AS n FROM jobs WHERE status != 'completed'");
    return left?.n === 0;
  }, 20_000);
  return seen;
}

describe("the per-type concurrency of demo.slow (8, the shard's limit)", () => {
  it("runs at most 8 of 20 slow jobs of one shard at once, starts the rest as slots free, and completes all", async () => {
    const shard = 5;
    const submitted = [];
    // 3 s each: the 20 submits end long before the first job does (with 400 ms, a loaded CI
    // machine took longer to submit, a slot freed, and a later submit started at once).
    for (let i = 0; i < 20; i++) submitted.push(await submit({ type: "demo.slow", input: { ms: 3_000 }, key: keyForShard(shard) }));
    // The first 8 start in their submit request; the others wait for a slot.
    expect(submitted.map((j) => j.status)).toEqual([...Array<string>(8).fill("running"), ...Array<string>(12).fill("pending")]);
    const seen = await sampleUntilDone(shard);
    expect(seen.samples).toBeGreaterThan(3);
    expect(seen.total).toBe(SHARD_JOB_CONCURRENCY);
    const rows = await shardRows<Span>(shard, SPANS);
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.status === "completed" && r.attempts === 1)).toBe(true);
    expect(maxOverlap(rows)).toBe(SHARD_JOB_CONCURRENCY);
  });
});

describe("the shard's limit of 8 running jobs, over all types", () => {
  it("holds jobs of other types pending while 8 slow jobs run, and starts them when slots free", async () => {
    const shard = 6;
    for (let i = 0; i < 8; i++) expect((await submit({ type: "demo.slow", input: { ms: 600 }, key: keyForShard(shard) })).status).toBe("running");
    const others = [
      ...(await Promise.all(Array.from({ length: 4 }, (_, i) => submit({ type: "demo.echo", input: { message: `e${i}` }, key: keyForShard(shard) })))),
      ...(await Promise.all(Array.from({ length: 3 }, () => submit({ type: "demo.slow", input: { ms: 200 }, key: keyForShard(shard) })))),
      await submit({ type: "demo.greet", input: { name: "ada" }, key: keyForShard(shard) }),
    ];
    expect(others.map((j) => j.status)).toEqual(Array<string>(8).fill("pending"));
    expect(await shardRows(shard, "SELECT COUNT(*) AS n FROM jobs WHERE status = 'running'")).toEqual([{ n: 8 }]);
    const seen = await sampleUntilDone(shard);
    expect(seen.total).toBeLessThanOrEqual(SHARD_JOB_CONCURRENCY);
    const rows = await shardRows<Span>(shard, SPANS);
    expect(rows).toHaveLength(16);
    expect(rows.every((r) => r.status === "completed" && r.attempts === 1)).toBe(true);
    expect(maxOverlap(rows)).toBe(SHARD_JOB_CONCURRENCY);
    // Nothing of another type started before the first slow job finished.
    const firstFinish = Math.min(...rows.filter((r) => r.type === "demo.slow").map((r) => r.finished_at ?? Infinity));
    expect(Math.min(...rows.filter((r) => r.type !== "demo.slow").map((r) => r.started_at ?? 0))).toBeGreaterThanOrEqual(firstFinish);
  });
});

describe("a declared concurrency below the shard's limit", () => {
  it("runs at most `concurrency` jobs of that type at once, while other types still use the free slots", async () => {
    // A runner of the real JobRunner over a fresh job-shard object's SQLite, with its own job types.
    const stub = env.SHARDS.get(env.SHARDS.idFromName(`Jobs/concurrency-${crypto.randomUUID()}`));
    const outcome = await runInDurableObject(stub, async (_instance, state) => {
      const sql = state.storage.sql;
      const runningOf = (type: string) => sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE status = 'running' AND type = ?", type).one().n;
      const atStart: number[] = [];
      const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
      const Limited = defineJob({ type: "test.limited", input: z.object({}), concurrency: 2, handler: async () => void (atStart.push(runningOf("test.limited")), await sleep(150)) });
      const Quick = defineJob({ type: "test.quick", input: z.object({}), handler: async () => sleep(50) });
      const noop = () => Promise.resolve();
      const runner = new JobRunner({ ctx: state, clock: new AlarmClock(state.storage), open: () => undefined, schedule: noop }, createJobRegistry([Limited, Quick]), env, 4_096);
      const target = { entityType: "Jobs" as EntityType, shardId: 0 as ShardId, numShards: JOB_SHARDS, seed: "" };
      const job = (type: string) => ({ id: newJobId(0), type, key: null, idempotencyKey: null, input: {}, maxAttempts: 1, runAt: Date.now() });
      const limited = [];
      for (let i = 0; i < 6; i++) limited.push(await runner.submit(target, job("test.limited")));
      const quick = await Promise.all(Array.from({ length: 4 }, () => runner.submit(target, job("test.quick"))));
      const samples: { limited: number; total: number }[] = [];
      for (let left = 1; left > 0; await sleep(10)) {
        samples.push({ limited: runningOf("test.limited"), total: sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE status = 'running'").one().n });
        left = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE status != 'completed'").one().n;
      }
      return { limited: limited.map((j) => j.status), quick: quick.map((j) => j.status), atStart, samples, spans: sql.exec<Span>(SPANS).toArray() };
    });
    expect(outcome.limited).toEqual(["running", "running", "pending", "pending", "pending", "pending"]);
    // A saturated type does not block the others: the quick jobs start in their submit.
    expect(outcome.quick).toEqual(Array<string>(4).fill("running"));
    expect(outcome.atStart).toHaveLength(6);
    expect(Math.max(...outcome.atStart)).toBe(2);
    expect(Math.max(...outcome.samples.map((s) => s.limited))).toBeLessThanOrEqual(2);
    expect(Math.max(...outcome.samples.map((s) => s.total))).toBeLessThanOrEqual(SHARD_JOB_CONCURRENCY);
    expect(outcome.spans.every((r) => r.status === "completed" && r.attempts === 1)).toBe(true);
    expect(maxOverlap(outcome.spans.filter((r) => r.type === "test.limited"))).toBe(2);
  });
});

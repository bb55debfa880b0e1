import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createJobRegistry, defineJob } from "../../src/jobs/define.ts";
import { JOB_SHARDS, newJobId } from "../../src/jobs/job-id.ts";
import { JobRunner } from "../../src/jobs/job-runner.ts";
import { insertJob } from "../../src/jobs/job-store.ts";
import { AlarmClock } from "../../src/storage/alarm-clock.ts";
import type { EntityType, ShardId } from "../../src/spec/index.ts";
import { eventually } from "../eventually.ts";

const BACKLOG = 300; // more than the 256 rows the due query used to read
const target = { entityType: "Jobs" as EntityType, shardId: 0 as ShardId, numShards: JOB_SHARDS, seed: "" };

describe("a type at its concurrency limit with a backlog of due jobs", () => {
  it("neither starves another type's job nor sets the alarm in the past while it is full", async () => {
    // The real JobRunner over a fresh job-shard object's SQLite, with test-only job types.
    const stub = env.SHARDS.get(env.SHARDS.idFromName(`Jobs/starvation-${crypto.randomUUID()}`));
    const outcome = await runInDurableObject(stub, async (_instance, state) => {
      const sql = state.storage.sql;
      const count = (where: string, ...params: SqlStorageValue[]) => sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM jobs WHERE ${where}`, ...params).one().n;
      let open: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const Limited = defineJob({ type: "test.limited", input: z.object({}), concurrency: 1, handler: () => gate });
      const Other = defineJob({ type: "test.other", input: z.object({}), handler: () => Promise.resolve("ran") });
      const runner = new JobRunner({ ctx: state, clock: new AlarmClock(state.storage), open: () => undefined, schedule: () => Promise.resolve() }, createJobRegistry([Limited, Other]), env, 4_096);
      const job = (type: string, runAt: number) => ({ id: newJobId(0), type, key: null, idempotencyKey: null, input: {}, maxAttempts: 1, runAt });
      // One limited job holds the type's only slot; 300 more were due before the other type's job.
      const holder = await runner.submit(target, job("test.limited", Date.now() - 60_000));
      const past = Date.now() - 30_000;
      state.storage.transactionSync(() => { for (let i = 0; i < BACKLOG; i++) insertJob(sql, job("test.limited", past + i), past); });
      const other = await runner.submit(target, job("test.other", Date.now()));
      // An expired lease of the full type (an evicted attempt, overtaken by the holder) cannot start either.
      const lost = { ...job("test.limited", past), maxAttempts: 2 };
      insertJob(sql, lost, past);
      sql.exec("UPDATE jobs SET status = 'running', attempts = 1, lease_until = ? WHERE id = ?", Date.now() - 1_000, lost.id);
      await runner.pump(); // what the alarm would do now: start nothing, the type is full
      await eventually(() => count("type = 'test.other' AND status = 'completed'") > 0);
      const whileFull = { now: Date.now(), nextDue: runner.nextDue(), running: count("type = 'test.limited' AND status = 'running' AND lease_until > ?", Date.now()) };
      const otherStatus = sql.exec<{ status: string }>("SELECT status FROM jobs WHERE id = ?", other.id).one().status;
      open();
      await eventually(() => count("status NOT IN ('completed', 'dead')") === 0);
      return { holder: holder.status, other: other.status, otherStatus, whileFull, left: count("status NOT IN ('completed', 'dead')"), completed: count("type = 'test.limited' AND status = 'completed'") };
    });
    expect(outcome.holder).toBe("running");
    // The other type starts in its own submit, though 300 older jobs of the full type are due.
    expect(outcome.other).toBe("running");
    expect(outcome.otherStatus).toBe("completed");
    expect(outcome.whileFull.running).toBe(1);
    // Nothing that can start is due: the alarm goes to the holder's lease end, in the future.
    expect(outcome.whileFull.nextDue).toBeGreaterThan(outcome.whileFull.now);
    // Once the slot frees, the backlog drains one at a time.
    expect(outcome.left).toBe(0);
    expect(outcome.completed).toBe(BACKLOG + 2);
  });
});

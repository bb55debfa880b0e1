import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newJobId } from "../../src/jobs/job-id.ts";
import { ProblemSchema } from "../../src/spec/index.ts";
import { jobRow, jobsApi, jobShardStub, keyForShard, shardAlarm, shardRows, submit, until } from "./job-helpers.ts";

// Each test uses its own job shard, so the shard's alarm is only its jobs' (storage is fresh per file).
describe("delayed jobs", () => {
  it("sets the shard's single alarm to a delayed job's runAt, and starts it from that alarm", async () => {
    const runAt = Date.now() + 60_000;
    const job = await submit({ type: "demo.echo", input: { message: "due" }, key: keyForShard(1), runAt: new Date(runAt).toISOString() });
    expect(job.status).toBe("pending");
    expect(await shardAlarm(1)).toBe(runAt);
    const sooner = Date.now() + 30_000;
    await submit({ type: "demo.echo", input: { message: "sooner" }, key: keyForShard(1), delayMs: 30_000 });
    expect(await shardAlarm(1)).toBeGreaterThanOrEqual(sooner);
    expect(await shardAlarm(1)).toBeLessThan(runAt);
    // Time travel: the jobs become due (the clock is not mocked; the rows are moved), the alarm runs them.
    await shardRows(1, "UPDATE jobs SET run_at = ? WHERE status = 'pending'", Date.now() - 1);
    expect(await runDurableObjectAlarm(jobShardStub(1))).toBe(true);
    await until(async () => (await jobRow(job.id))?.status === "completed");
  });
});

describe("runAt bounds", () => {
  it("refuses a runAt more than a year away with 400 on runAt", async () => {
    const res = await jobsApi("", { method: "POST", body: { type: "demo.echo", input: { message: "x" }, runAt: "2999-01-01T00:00:00Z" } });
    expect(res.status).toBe(400);
    expect(ProblemSchema.parse(await res.json()).errors?.map((e) => e.path)).toEqual(["runAt"]);
  });
});

describe("retry schedule under a controlled clock", () => {
  it("sets each retry in [failedAt, failedAt + min(60 s, 10 s · 2^(n−1))) and the alarm to it", async () => {
    const job = await submit({ type: "demo.failing", input: {}, key: keyForShard(2), maxAttempts: 4 });
    // Full jitter may pick a delay of a few ms, and then the real alarm runs the retry before this
    // test moves the clock: each round checks whichever attempt failed last, row and alarm read together.
    const checked = new Set<number>();
    for (;;) {
      await until(async () => ["failed", "dead"].includes((await jobRow(job.id))?.status ?? ""));
      const { row, alarm } = await runInDurableObject(jobShardStub(2), async (_i, state) => ({
        row: state.storage.sql.exec<{ attempts: number; run_at: number; updated_at: number; status: string }>("SELECT attempts, run_at, updated_at, status FROM jobs WHERE id = ?", job.id).one(),
        alarm: await state.storage.getAlarm(),
      }));
      if (row.status === "dead") break;
      const delay = row.run_at - row.updated_at;
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(60_000, 10_000 * 2 ** (row.attempts - 1)));
      expect(alarm).toBe(row.run_at);
      checked.add(row.attempts);
      await shardRows(2, "UPDATE jobs SET run_at = ? WHERE id = ? AND attempts = ?", Date.now() - 1, job.id, row.attempts); // the retry is due
      await runDurableObjectAlarm(jobShardStub(2));
      await until(async () => ((await jobRow(job.id))?.attempts ?? 0) > row.attempts);
    }
    // Three retries were scheduled (attempts 1–3 failed); a round the real alarm ran first is skipped, not unchecked.
    expect(checked.size).toBeGreaterThanOrEqual(2);
    expect([...checked].every((n) => n >= 1 && n <= 3)).toBe(true);
    expect(await jobRow(job.id)).toMatchObject({ attempts: 4, last_error: "Error: demo.failing always fails" });
  });
});

describe("queue capacity", () => {
  it("answers the 4,097th unfinished job of a shard with 429 job_queue_full and Retry-After, storing nothing", async () => {
    const far = Date.now() + 300 * 86_400_000;
    // 4,095 jobs stored directly (fast), then the 4,096th over HTTP still fits.
    await runInDurableObject(jobShardStub(3), (_i, state) => {
      for (let i = 0; i < 4_095; i++) {
        state.storage.sql.exec("INSERT INTO jobs (id, type, input, status, max_attempts, budget, run_at, created_at, updated_at) VALUES (?, 'demo.echo', '{}', 'pending', 5, 5, ?, ?, ?)", newJobId(3), far, Date.now(), Date.now());
      }
    });
    expect((await jobsApi("", { method: "POST", body: { type: "demo.echo", input: { message: "4096" }, key: keyForShard(3), runAt: far } })).status).toBe(202);
    const full = await jobsApi("", { method: "POST", body: { type: "demo.echo", input: { message: "4097" }, key: keyForShard(3) } });
    expect(full.status).toBe(429);
    expect(full.headers.get("retry-after")).toBe("1");
    expect(full.headers.get("content-type")).toContain("application/problem+json");
    expect(ProblemSchema.parse(await full.json()).code).toBe("job_queue_full");
    expect(await shardRows(3, "SELECT COUNT(*) AS n FROM jobs")).toEqual([{ n: 4_096 }]);
    // Another shard is not affected.
    expect((await jobsApi("", { method: "POST", body: { type: "demo.echo", input: { message: "elsewhere" }, key: keyForShard(4) } })).status).toBe(202);
  });
});

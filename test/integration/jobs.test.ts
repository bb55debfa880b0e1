import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { completeJob } from "../../src/jobs/job-store.ts";
import { ProblemSchema, type JobPage } from "../../src/spec/index.ts";
import { countJobs, jobRow, jobsApi, keyForShard, shardAlarm, stubOfJob, submit, until, view } from "./job-helpers.ts";
import { JOB_SHARDS, shardOfJobId } from "../../src/jobs/job-id.ts";
import { shardOf } from "../../src/shards/index.ts";

const status = async (id: string) => (await jobRow(id))?.status;

describe("submitting a job", () => {
  it("starts it in the submit request itself: running at the 202, no alarm due now", async () => {
    const before = Date.now();
    const job = await submit({ type: "demo.slow", input: { ms: 500 } });
    expect(job).toMatchObject({ status: "running", duplicate: false });
    expect(job.id).toMatch(/^j\d{1,2}_[0-9a-f]{32}$/);
    const row = await jobRow(job.id);
    expect(row).toMatchObject({ status: "running", attempts: 1 });
    expect(row?.started_at).toBeGreaterThanOrEqual(before);
    // The only alarm is the lease's safety net (timeout 5 s + 5 s), not a wake-up to start the job.
    const alarm = await shardAlarm(shardOfJobId(job.id) ?? -1);
    expect(alarm).toBe(row?.lease_until);
    expect(alarm).toBeGreaterThan(Date.now() + 8_000);
    await until(async () => (await status(job.id)) === "completed");
    expect(await view(job.id)).toMatchObject({ status: "completed", attempts: 1, result: { sleptMs: 500, attempt: 1 }, lastError: null });
  });

  it("completes an echo job and shows its result, timestamps and attempts", async () => {
    const job = await submit({ type: "demo.echo", input: { message: "hi" }, key: "user-1" });
    await until(async () => (await status(job.id)) === "completed");
    const seen = await view(job.id);
    expect(seen).toMatchObject({ type: "demo.echo", key: "user-1", attempts: 1, maxAttempts: 5, result: { echo: "hi", attempt: 1 } });
    expect(Date.parse(seen.finishedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(seen.createdAt));
  });

  it.each([
    ["an unknown type", { type: "demo.nope", input: {} }, "type"],
    ["invalid input", { type: "demo.echo", input: { message: 5 } }, "input.message"],
    ["runAt and delayMs together", { type: "demo.echo", input: { message: "x" }, runAt: 0, delayMs: 5 }, "delayMs"],
    ["an unknown field", { type: "demo.echo", input: { message: "x" }, surprise: 1 }, ""],
  ])("refuses %s with 400 and the path, storing nothing", async (_label, body, path) => {
    const before = await countJobs();
    const res = await jobsApi("", { method: "POST", body });
    expect(res.status).toBe(400);
    expect(ProblemSchema.parse(await res.json()).errors?.map((e) => e.path)).toContain(path);
    expect(await countJobs()).toBe(before);
  });

  it("returns the same job for a repeated Idempotency-Key", async () => {
    const first = await submit({ type: "demo.echo", input: { message: "once" } }, { "idempotency-key": "idem-1" });
    const res = await jobsApi("", { method: "POST", body: { type: "demo.echo", input: { message: "once" } }, headers: { "idempotency-key": "idem-1" } });
    expect(res.status).toBe(202);
    expect(res.headers.get("idempotent-replayed")).toBe("true");
    expect(await res.json()).toMatchObject({ id: first.id, duplicate: true });
    expect(await countJobs("idempotency_key = ?", "idem-1")).toBe(1);
  });

  it("returns the first job for a repeated Idempotency-Key whatever `key` the repeat carries, or none", async () => {
    const idem = `idem-${crypto.randomUUID()}`;
    const home = shardOf(idem, JOB_SHARDS);
    // Keys of two other shards: before the fix each submit landed in its key's shard.
    const [a, b] = [keyForShard((home + 1) % JOB_SHARDS), keyForShard((home + 2) % JOB_SHARDS)];
    const first = await submit({ type: "demo.echo", input: { message: "one" }, key: a }, { "idempotency-key": idem });
    const repeats = [
      await submit({ type: "demo.echo", input: { message: "two" }, key: b }, { "idempotency-key": idem }),
      await submit({ type: "demo.flaky", input: { failures: 1 } }, { "idempotency-key": idem }),
      await submit({ type: "demo.echo", input: { message: "one" }, key: a }, { "idempotency-key": idem }),
    ];
    expect(first.duplicate).toBe(false);
    expect(repeats.map((r) => [r.id, r.duplicate])).toEqual(Array.from({ length: 3 }, () => [first.id, true]));
    // One row in all 16 shards, in the Idempotency-Key's shard, keeping the first body and its `key`.
    expect(await countJobs("idempotency_key = ?", idem)).toBe(1);
    expect(shardOfJobId(first.id)).toBe(home);
    expect(await view(first.id)).toMatchObject({ type: "demo.echo", key: a, input: { message: "one" }, idempotencyKey: idem });
  });
});

describe("failures", () => {
  it("retries a failing job with backoff until it succeeds", async () => {
    const job = await submit({ type: "demo.flaky", input: { failures: 2 } });
    await until(async () => (await status(job.id)) === "completed");
    const done = await view(job.id);
    expect(done).toMatchObject({ attempts: 3, result: { succeededOnAttempt: 3 }, lastError: "Error: planned failure 2 of 2" });
    // Each attempt, newest first, with how it ended and its own error.
    expect(done.history.map((a) => [a.attempt, a.outcome, a.error])).toEqual([[3, "completed", null], [2, "failed", "Error: planned failure 2 of 2"], [1, "failed", "Error: planned failure 1 of 2"]]);
    for (const a of done.history) expect(Date.parse(a.finishedAt)).toBeGreaterThanOrEqual(Date.parse(a.startedAt ?? ""));
  });

  it("makes a job dead after maxAttempts, lists it, and retries it from dead", async () => {
    const job = await submit({ type: "demo.flaky", input: { failures: 3 }, maxAttempts: 3 });
    await until(async () => (await status(job.id)) === "dead");
    expect(await jobRow(job.id)).toMatchObject({ attempts: 3, last_error: "Error: planned failure 3 of 3", lease_until: null });
    const page = await (await jobsApi("?status=dead&type=demo.flaky")).json<JobPage>();
    expect(page.items.map((j) => j.id)).toContain(job.id);
    const retried = await jobsApi(`/${job.id}/retry`, { method: "POST" });
    expect(retried.status).toBe(202);
    await until(async () => (await status(job.id)) === "completed");
    // Attempts keep counting (they fence each attempt); the retry granted a fresh budget of 3.
    expect(await jobRow(job.id)).toMatchObject({ attempts: 4, max_attempts: 6 });
    expect((await jobsApi(`/${job.id}/retry`, { method: "POST" })).status).toBe(409);
  });

  it("sends a job that throws NonRetryableJobError straight to dead", async () => {
    const job = await submit({ type: "demo.flaky", input: { failures: 0, fatal: true } });
    await until(async () => (await status(job.id)) === "dead");
    expect(await view(job.id)).toMatchObject({ attempts: 1, lastError: "NonRetryableJobError: demo.flaky was told to fail for good" });
  });
});

describe("cancel", () => {
  it("cancels a delayed job, which then never runs", async () => {
    const job = await submit({ type: "demo.echo", input: { message: "later" }, delayMs: 60_000 });
    expect(job.status).toBe("pending");
    const res = await jobsApi(`/${job.id}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "cancelled" });
    expect(await jobRow(job.id)).toMatchObject({ status: "cancelled", attempts: 0 });
  });

  it("refuses to cancel a running job (409) and an unknown one (404)", async () => {
    const job = await submit({ type: "demo.slow", input: { ms: 300 } });
    const running = await jobsApi(`/${job.id}`, { method: "DELETE" });
    expect(running.status).toBe(409);
    expect(ProblemSchema.parse(await running.json()).code).toBe("conflict");
    expect((await jobsApi(`/j3_${"0".repeat(32)}`, { method: "DELETE" })).status).toBe(404);
    expect((await jobsApi("/not-a-job-id")).status).toBe(404);
    await until(async () => (await status(job.id)) === "completed");
  });
});

describe("leases", () => {
  it("redelivers a job once after its object was evicted mid-job, and fences the lost attempt", async () => {
    const job = await submit({ type: "demo.slow", input: { ms: 1_500 } });
    const stub = stubOfJob(job.id);
    await abortAllDurableObjects(); // the object dies mid-job: its memory and the running handler are gone
    expect(await jobRow(job.id)).toMatchObject({ status: "running", attempts: 1 });
    // The lease ends (moved into the past rather than waiting 10 s), and the alarm comes.
    await runInDurableObject(stub, (_i, state) => state.storage.sql.exec("UPDATE jobs SET lease_until = ? WHERE id = ?", Date.now() - 1, job.id));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await jobRow(job.id)).toMatchObject({ status: "completed", attempts: 2 });
    // A late write of attempt 1 changes nothing; another alarm runs nothing again.
    expect(await runInDurableObject(stub, (_i, state) => completeJob(state.storage.sql, job.id, 1, { late: true }, Date.now()))).toBe(false);
    await runDurableObjectAlarm(stub);
    const done = await view(job.id);
    expect(done).toMatchObject({ status: "completed", attempts: 2, result: { sleptMs: 1_500, attempt: 2 } });
    expect(done.history.map((a) => [a.attempt, a.outcome])).toEqual([[2, "completed"], [1, "lost"]]);
  });
});

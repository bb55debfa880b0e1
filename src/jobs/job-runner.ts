import { AppError, type JobDetail, type JobListQuery, type JobStatus, type JobView, type SubmittedJob } from "../spec/index.ts";
import type { ShardTarget } from "../shards/delivery.ts";
import { withDeadline } from "../shards/runtime.ts";
import type { AlarmClock } from "../storage/alarm-clock.ts";
import { backoffDelay } from "./backoff.ts";
import { NonRetryableJobError, SHARD_JOB_CONCURRENCY, type JobDefinition, type JobRegistry } from "./define.ts";
import { attemptsOf } from "./job-attempts.ts";
import { cancelJob, claimJob, completeJob, countByStatus, dueByType, dueJobs, failJob, getJob, insertJob, jobByIdempotencyKey, listJobs, retryJob, runningByType, unfinishedCount, viewOf, type JobRow, type NewJob } from "./job-store.ts";
import type { ClusterEnv } from "../env.ts";
import { clock } from "../clock.ts";

/** A running job's lease: its timeout plus this margin. Past the lease, the alarm redelivers it. */
export const JOB_LEASE_MARGIN_MS = 5_000;
/** Completed and cancelled jobs (and their idempotency keys) are kept 7 days; dead jobs until retried. */
export const FINISHED_JOB_RETENTION_MS = 7 * 86_400_000;

/** What the runner needs from its shard object (a `ShardHost`). */
export interface JobShardHost {
  readonly ctx: DurableObjectState;
  readonly clock: AlarmClock;
  open(target: ShardTarget): unknown;
  schedule(): Promise<void>;
}

/**
 * Runs the jobs of one job shard. A submit commits the row, then claims it in the same request if a
 * slot is free (no timer involved); a delayed job, a retry and a lost lease are woken by the shard's
 * single alarm, set to the earliest of them ({@link JobRunner.nextDue}). At most 8 jobs run at once
 * per shard (and `concurrency` per type); a finished job frees its slot for the next due one.
 */
export class JobRunner {
  constructor(
    private readonly host: JobShardHost,
    private readonly registry: JobRegistry,
    private readonly env: ClusterEnv,
    private readonly capacity: number,
  ) {}

  get #sql(): SqlStorage {
    return this.host.ctx.storage.sql;
  }

  /** Stores a job (or finds the one with its idempotency key) and starts it if it is due and a slot is free. */
  async submit(target: ShardTarget, job: NewJob): Promise<SubmittedJob> {
    this.host.open(target);
    const now = clock.now();
    const existing = this.host.ctx.storage.transactionSync(() => {
      const found = job.idempotencyKey === null ? null : jobByIdempotencyKey(this.#sql, job.idempotencyKey);
      if (found) return found;
      if (unfinishedCount(this.#sql) >= this.capacity) {
        throw new AppError("job_queue_full", `this job shard holds ${this.capacity} unfinished jobs; retry later`, { headers: { "Retry-After": "1" } });
      }
      insertJob(this.#sql, job, now);
      return null;
    });
    if (existing) return { id: existing.id, status: existing.status, duplicate: true };
    this.host.ctx.waitUntil(this.pump());
    await this.host.schedule();
    return { id: job.id, status: getJob(this.#sql, job.id)?.status ?? "pending", duplicate: false };
  }

  /**
   * Claims every due job a slot allows (synchronously: nothing can interleave) and runs them;
   * resolves when those runs, and the runs they made room for, have finished.
   */
  pump(): Promise<void> {
    const now = clock.now();
    const running = runningByType(this.#sql, now);
    let total = [...running.values()].reduce((a, b) => a + b, 0);
    const started: Promise<void>[] = [];
    const free = SHARD_JOB_CONCURRENCY - total;
    // Types at their limit are left out of the query, and no type fills it: a backlog of one type
    // cannot starve the others.
    for (const row of free <= 0 ? [] : dueJobs(this.#sql, now, this.#saturated(running), free)) {
      if (total >= SHARD_JOB_CONCURRENCY) break;
      const definition = this.registry.find(row.type);
      if ((running.get(row.type) ?? 0) >= this.#limit(row.type)) continue;
      if (row.status === "running" && row.attempts >= row.maxAttempts) {
        // The lease of the last allowed attempt ran out (its object was evicted): no attempt is left.
        failJob(this.#sql, row.id, row.attempts, row.lastError ?? `lease expired during attempt ${row.attempts}`, null, now);
        continue;
      }
      if (!claimJob(this.#sql, row.id, now, (definition?.timeoutMs ?? 0) + JOB_LEASE_MARGIN_MS)) continue;
      total += 1;
      running.set(row.type, (running.get(row.type) ?? 0) + 1);
      started.push(this.#run({ ...row, attempts: row.attempts + 1 }, definition));
    }
    return Promise.all(started).then(() => undefined);
  }

  /** A type's concurrency; an undeclared type's is the shard's. */
  #limit(type: string): number {
    return this.registry.find(type)?.concurrency ?? SHARD_JOB_CONCURRENCY;
  }

  #saturated(running: ReadonlyMap<string, number>): string[] {
    return [...running].filter(([type, n]) => n >= this.#limit(type)).map(([type]) => type);
  }

  async #run(row: JobRow, definition: JobDefinition | undefined): Promise<void> {
    const attempt = row.attempts;
    try {
      if (!definition) throw new NonRetryableJobError(`no job type '${row.type}' is declared`);
      const ctx = { jobId: row.id, attempt, key: row.key, idempotencyKey: row.idempotencyKey, env: this.env };
      // The stored input is read through its schema, so a versioned input (EVNT-06) stored by older
      // code is upgraded to the latest version; one no version fits can never run.
      const input = definition.input.safeParse(row.input);
      if (!input.success) throw new NonRetryableJobError(`stored input no longer fits '${row.type}': ${input.error.issues[0]?.message ?? "invalid"}`);
      const result = await withDeadline(definition.timeoutMs, (signal) => Promise.resolve(definition.handler({ ...ctx, signal }, input.data)));
      if (!completeJob(this.#sql, row.id, attempt, result, clock.now())) console.warn(`job ${row.id} attempt ${attempt} was fenced off; its result is discarded`);
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      const dead = err instanceof NonRetryableJobError || attempt >= row.maxAttempts || !definition;
      const retryAt = dead ? null : clock.now() + backoffDelay(attempt, definition.backoff);
      failJob(this.#sql, row.id, attempt, message, retryAt, clock.now());
    }
    // A slot is free: start what is due, and keep the alarm on the earliest item.
    await Promise.all([this.pump(), this.host.schedule()]);
  }

  /** A job with its attempts (`GET /v1/jobs/{id}`). */
  view(id: string): JobDetail | null {
    const row = getJob(this.#sql, id);
    return row ? { ...viewOf(row), history: attemptsOf(this.#sql, id) } : null;
  }

  /** Cancels a job not yet running: 404 unknown, 409 running or finished. */
  async cancel(id: string): Promise<JobView> {
    const before = this.#require(id);
    if (before.status !== "pending" && before.status !== "failed") throw new AppError("conflict", `job ${id} is ${before.status}; only pending or failed jobs can be cancelled`);
    const row = this.host.ctx.storage.transactionSync(() => cancelJob(this.#sql, id, clock.now()));
    await this.host.schedule();
    return viewOf(row ?? before);
  }

  /** Runs a dead, failed or cancelled job again (attempts start over), at once if a slot is free: 404 unknown, 409 otherwise. */
  async retry(target: ShardTarget, id: string): Promise<JobView> {
    this.host.open(target);
    const before = this.#require(id);
    if (!["dead", "failed", "cancelled"].includes(before.status)) throw new AppError("conflict", `job ${id} is ${before.status}; only dead, failed or cancelled jobs can be retried`);
    this.host.ctx.storage.transactionSync(() => retryJob(this.#sql, id, clock.now()));
    this.host.ctx.waitUntil(this.pump());
    await this.host.schedule();
    return viewOf(this.#require(id));
  }

  list(filter: Pick<JobListQuery, "status" | "type">, after: { createdAt: number; id: string } | null, limit: number): JobView[] {
    return listJobs(this.#sql, filter, after, limit).map(viewOf);
  }

  /** Jobs per status in this shard (completed and cancelled ones for their 7 days of retention). */
  counts(): Partial<Record<JobStatus, number>> {
    return countByStatus(this.#sql);
  }

  #require(id: string): JobRow {
    const row = getJob(this.#sql, id);
    if (!row) throw new AppError("not_found", `no job '${id}'`);
    return row;
  }

  /** Alarm work: prune finished jobs, then start what is due (delayed, retrying, or whose lease ran out). */
  async onAlarm(): Promise<void> {
    const before = clock.now() - FINISHED_JOB_RETENTION_MS;
    this.#sql.exec("DELETE FROM job_attempts WHERE job_id IN (SELECT id FROM jobs WHERE status IN ('completed', 'cancelled') AND finished_at <= ?)", before);
    this.#sql.exec("DELETE FROM jobs WHERE status IN ('completed', 'cancelled') AND finished_at <= ?", before);
    await this.pump();
  }

  /**
   * When the jobs next need the alarm: the earliest live lease end, the earliest due item (job or
   * expired lease) of a type with a free slot, and the next prune. A type at its limit (or a full
   * shard) adds nothing: a finishing job starts the next, and the live lease ends cover an eviction,
   * so the alarm is never set in the past for work that cannot start.
   */
  nextDue(): number | null {
    const sql = this.#sql;
    const now = clock.now();
    const times: number[] = [];
    // One read for a shard with nothing waiting (every entity shard's case): live leases, the next prune, and whether any job waits.
    const { lease, finished, waiting } = sql
      .exec<{ lease: number | null; finished: number | null; waiting: number }>(
        `SELECT (SELECT MIN(lease_until) FROM jobs WHERE status = 'running' AND lease_until > ?1) AS lease,
           (SELECT MIN(finished_at) FROM jobs WHERE status IN ('completed', 'cancelled')) AS finished,
           EXISTS (SELECT 1 FROM jobs WHERE status IN ('pending', 'failed') OR (status = 'running' AND lease_until <= ?1)) AS waiting`,
        now,
      )
      .one();
    if (lease !== null) times.push(lease);
    if (finished !== null) times.push(finished + FINISHED_JOB_RETENTION_MS);
    if (waiting) {
      const running = runningByType(sql, now);
      const total = [...running.values()].reduce((a, b) => a + b, 0);
      if (total < SHARD_JOB_CONCURRENCY) {
        for (const { type, t } of dueByType(sql, now)) if ((running.get(type) ?? 0) < this.#limit(type)) times.push(t);
      }
    }
    return times.length === 0 ? null : Math.min(...times);
  }
}

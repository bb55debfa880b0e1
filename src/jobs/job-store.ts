import type { JobId, JobStatus, JobView } from "../spec/index.ts";
import { recordAttempt, recordLostAttempt } from "./job-attempts.ts";

/**
 * SQL of the `jobs` table. The shard object is single-threaded, so a claim (a conditional UPDATE)
 * needs no lock; the attempt number fences every later write of an attempt: a write whose attempt
 * is no longer the row's (its lease expired and the job was claimed again) changes nothing.
 */
export interface JobRow {
  readonly id: JobId;
  readonly type: string;
  readonly key: string | null;
  readonly idempotencyKey: string | null;
  readonly input: unknown;
  readonly status: JobStatus;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly runAt: number;
  readonly leaseUntil: number | null;
  readonly result: unknown;
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly updatedAt: number;
}

interface Raw extends Record<string, SqlStorageValue> {
  id: string; type: string; job_key: string | null; idempotency_key: string | null; input: string; status: string; attempts: number; max_attempts: number; run_at: number;
  lease_until: number | null; result: string | null; last_error: string | null; created_at: number; started_at: number | null; finished_at: number | null; updated_at: number;
}
const COLUMNS = "id, type, job_key, idempotency_key, input, status, attempts, max_attempts, run_at, lease_until, result, last_error, created_at, started_at, finished_at, updated_at";
/** Unfinished: counted against the queue capacity. */
export const UNFINISHED = "('pending', 'running', 'failed')";

function toRow(r: Raw): JobRow {
  return {
    id: r.id as JobId, type: r.type, key: r.job_key, idempotencyKey: r.idempotency_key, input: JSON.parse(r.input) as unknown, status: r.status as JobStatus,
    attempts: r.attempts, maxAttempts: r.max_attempts, runAt: r.run_at, leaseUntil: r.lease_until, result: r.result === null ? undefined : (JSON.parse(r.result) as unknown),
    lastError: r.last_error, createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at, updatedAt: r.updated_at,
  };
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** The wire view of a row. */
export function viewOf(row: JobRow): JobView {
  return {
    id: row.id, type: row.type, key: row.key, status: row.status, attempts: row.attempts, maxAttempts: row.maxAttempts, input: row.input,
    ...(row.result === undefined ? {} : { result: row.result }), lastError: row.lastError, idempotencyKey: row.idempotencyKey,
    createdAt: new Date(row.createdAt).toISOString(), runAt: new Date(row.runAt).toISOString(), startedAt: iso(row.startedAt), finishedAt: iso(row.finishedAt), updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

export interface NewJob {
  readonly id: JobId;
  readonly type: string;
  readonly key: string | null;
  readonly idempotencyKey: string | null;
  readonly input: unknown;
  readonly maxAttempts: number;
  readonly runAt: number;
}

export function insertJob(sql: SqlStorage, job: NewJob, now: number): void {
  sql.exec(
    "INSERT INTO jobs (id, type, job_key, idempotency_key, input, status, max_attempts, budget, run_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)",
    job.id, job.type, job.key, job.idempotencyKey, JSON.stringify(job.input ?? null), job.maxAttempts, job.maxAttempts, job.runAt, now, now,
  );
}

export function getJob(sql: SqlStorage, id: string): JobRow | null {
  const [row] = sql.exec<Raw>(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`, id).toArray();
  return row ? toRow(row) : null;
}

export function jobByIdempotencyKey(sql: SqlStorage, key: string): JobRow | null {
  const [row] = sql.exec<Raw>(`SELECT ${COLUMNS} FROM jobs WHERE idempotency_key = ?`, key).toArray();
  return row ? toRow(row) : null;
}

export function unfinishedCount(sql: SqlStorage): number {
  return sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM jobs WHERE status IN ${UNFINISHED}`).one().n;
}

/** How many jobs of each status the shard holds, in one COUNT (a status without a job is absent). */
export function countByStatus(sql: SqlStorage): Partial<Record<JobStatus, number>> {
  return Object.fromEntries(sql.exec<{ status: string; n: number }>("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status").toArray().map((r) => [r.status, r.n]));
}

/** Running jobs with a live lease, per type. */
export function runningByType(sql: SqlStorage, now: number): Map<string, number> {
  return new Map(sql.exec<{ type: string; n: number }>("SELECT type, COUNT(*) AS n FROM jobs WHERE status = 'running' AND lease_until > ? GROUP BY type", now).toArray().map((r) => [r.type, r.n]));
}

/** Due: pending or failed and due, or running with an expired lease (`?1` is now). */
const DUE = "((status IN ('pending', 'failed') AND run_at <= ?1) OR (status = 'running' AND lease_until <= ?1))";

/**
 * Jobs that may start now, oldest due first, leaving out the types in `saturated` (at their
 * concurrency) and at most `perType` of any one type: so a type with a backlog can fill neither
 * the answer nor the slots, and every type with a free slot is in it.
 */
export function dueJobs(sql: SqlStorage, now: number, saturated: readonly string[], perType: number): JobRow[] {
  return sql
    .exec<Raw>(
      `SELECT ${COLUMNS} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY type ORDER BY run_at, created_at) AS nth FROM jobs
       WHERE ${DUE} AND type NOT IN (SELECT value FROM json_each(?2))) WHERE nth <= ?3 ORDER BY run_at, created_at`,
      now, JSON.stringify(saturated), perType,
    )
    .toArray()
    .map(toRow);
}

/** Per type, when its earliest due item is (or was): a pending or failed job's `run_at`, an expired lease's end. */
export function dueByType(sql: SqlStorage, now: number): { type: string; t: number }[] {
  return sql.exec<{ type: string; t: number }>(
    `SELECT type, MIN(CASE WHEN status = 'running' THEN lease_until ELSE run_at END) AS t FROM jobs
     WHERE status IN ('pending', 'failed') OR (status = 'running' AND lease_until <= ?1) GROUP BY type`,
    now,
  ).toArray();
}

/** Claims a due job for `leaseMs`: attempts + 1. True for exactly one of any number of claimers. */
export function claimJob(sql: SqlStorage, id: string, now: number, leaseMs: number): boolean {
  recordLostAttempt(sql, id, now);
  return sql.exec(
    `UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_until = ?2, started_at = ?3, updated_at = ?3
     WHERE id = ?1 AND ((status IN ('pending', 'failed') AND run_at <= ?3) OR (status = 'running' AND lease_until <= ?3)) RETURNING id`,
    id, now + leaseMs, now,
  ).toArray().length === 1;
}

/** Records attempt `attempt`'s success; false (nothing written) when the attempt was fenced off. */
export function completeJob(sql: SqlStorage, id: string, attempt: number, result: unknown, now: number): boolean {
  const written = sql.exec(
    "UPDATE jobs SET status = 'completed', result = ?, lease_until = NULL, finished_at = ?, updated_at = ? WHERE id = ? AND status = 'running' AND attempts = ? RETURNING id",
    JSON.stringify(result ?? null), now, now, id, attempt,
  ).toArray().length === 1;
  if (written) recordAttempt(sql, id, attempt, "completed", null, now);
  return written;
}

/** Records attempt `attempt`'s failure: `failed` with the next run at `retryAt`, or `dead` when it is null. Fenced like {@link completeJob}. */
export function failJob(sql: SqlStorage, id: string, attempt: number, error: string, retryAt: number | null, now: number): boolean {
  const written = retryAt === null
    ? sql.exec("UPDATE jobs SET status = 'dead', last_error = ?, lease_until = NULL, finished_at = ?, updated_at = ? WHERE id = ? AND status = 'running' AND attempts = ? RETURNING id", error, now, now, id, attempt)
    : sql.exec("UPDATE jobs SET status = 'failed', last_error = ?, lease_until = NULL, run_at = ?, updated_at = ? WHERE id = ? AND status = 'running' AND attempts = ? RETURNING id", error, retryAt, now, id, attempt);
  const applied = written.toArray().length === 1;
  if (applied) recordAttempt(sql, id, attempt, retryAt === null ? "dead" : "failed", error, now);
  return applied;
}

/** Cancels a job that is not running and not finished; answers what the row was. */
export function cancelJob(sql: SqlStorage, id: string, now: number): JobRow | null {
  sql.exec("UPDATE jobs SET status = 'cancelled', finished_at = ?, updated_at = ? WHERE id = ? AND status IN ('pending', 'failed')", now, now, id);
  return getJob(sql, id);
}

/**
 * Makes a dead, failed or cancelled job due now with a fresh budget of attempts. The attempt count
 * keeps growing (it is the fencing token: a reset would let a late attempt 1 match a new attempt 1).
 */
export function retryJob(sql: SqlStorage, id: string, now: number): JobRow | null {
  sql.exec("UPDATE jobs SET status = 'pending', max_attempts = attempts + budget, run_at = ?, finished_at = NULL, updated_at = ? WHERE id = ? AND status IN ('dead', 'failed', 'cancelled')", now, now, id);
  return getJob(sql, id);
}

/** A page of jobs after `(createdAt, id)`, oldest first. */
export function listJobs(sql: SqlStorage, filter: { status?: string | undefined; type?: string | undefined }, after: { createdAt: number; id: string } | null, limit: number): JobRow[] {
  return sql
    .exec<Raw>(
      `SELECT ${COLUMNS} FROM jobs WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR type = ?2) AND (?3 IS NULL OR created_at > ?3 OR (created_at = ?3 AND id > ?4)) ORDER BY created_at, id LIMIT ?5`,
      filter.status ?? null, filter.type ?? null, after?.createdAt ?? null, after?.id ?? "", limit,
    )
    .toArray()
    .map(toRow);
}

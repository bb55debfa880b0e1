import type { JobAttempt } from "../spec/index.ts";

/** Attempts kept per job (the newest): a job retried again and again keeps a bounded history. */
export const JOB_ATTEMPTS_KEPT = 100;

/**
 * The history of a job's attempts in its job shard: one row per attempt that ended, how it ended
 * (`completed`, `failed`, `dead`, or `lost`: its lease ran out before it reported) and its error.
 * Written in the transaction that records the attempt's outcome; gone with the job.
 */
export const JOB_ATTEMPTS_SQL = `
  CREATE TABLE IF NOT EXISTS job_attempts (
    job_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('completed', 'failed', 'dead', 'lost')),
    error TEXT,
    PRIMARY KEY (job_id, attempt)
  ) WITHOUT ROWID;`;

/** Records how attempt `attempt` of job `id` ended (its start is the job row's); keeps the newest `JOB_ATTEMPTS_KEPT`. */
export function recordAttempt(sql: SqlStorage, id: string, attempt: number, outcome: JobAttempt["outcome"], error: string | null, now: number): void {
  sql.exec("INSERT OR REPLACE INTO job_attempts (job_id, attempt, started_at, finished_at, outcome, error) SELECT id, ?, started_at, ?, ?, ? FROM jobs WHERE id = ?", attempt, now, outcome, error, id);
  if (attempt > JOB_ATTEMPTS_KEPT) sql.exec("DELETE FROM job_attempts WHERE job_id = ? AND attempt <= ?", id, attempt - JOB_ATTEMPTS_KEPT);
}

/** Before a claim takes over a running job whose lease ran out: that attempt is recorded as lost. */
export function recordLostAttempt(sql: SqlStorage, id: string, now: number): void {
  sql.exec(
    `INSERT OR IGNORE INTO job_attempts (job_id, attempt, started_at, finished_at, outcome, error)
     SELECT id, attempts, started_at, ?2, 'lost', 'its lease ran out before it reported (the object was evicted, or the handler outlived its lease)' FROM jobs WHERE id = ?1 AND status = 'running' AND lease_until <= ?2`,
    id, now,
  );
}

/** A job's attempts, newest first. */
export function attemptsOf(sql: SqlStorage, id: string): JobAttempt[] {
  return sql
    .exec<{ attempt: number; started_at: number | null; finished_at: number; outcome: string; error: string | null }>("SELECT attempt, started_at, finished_at, outcome, error FROM job_attempts WHERE job_id = ? ORDER BY attempt DESC", id)
    .toArray()
    .map((r) => ({ attempt: r.attempt, startedAt: r.started_at === null ? null : new Date(r.started_at).toISOString(), finishedAt: new Date(r.finished_at).toISOString(), outcome: r.outcome as JobAttempt["outcome"], error: r.error }));
}

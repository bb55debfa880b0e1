import type { RunStatus, TaskRun } from "../spec/index.ts";

/** Runs kept per task (the latest by scheduled time). */
export const RUN_HISTORY = 100;

export interface Claim {
  readonly taskId: string;
  readonly scheduledAt: number;
}

interface RunRow extends Record<string, SqlStorageValue> {
  task_id: string; scheduled_at: number; status: string; attempts: number;
  started_at: number | null; ended_at: number | null; error: string | null;
}

/** The tick id: `<taskId>@<ISO scheduled time>`, the idempotency key of the tick's action. */
export function tickId(taskId: string, scheduledAt: number): string {
  return `${taskId}@${new Date(scheduledAt).toISOString()}`;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

function toRun(r: RunRow): TaskRun {
  return {
    tickId: tickId(r.task_id, r.scheduled_at), scheduledAt: new Date(r.scheduled_at).toISOString(), startedAt: iso(r.started_at), endedAt: iso(r.ended_at),
    status: r.status as RunStatus, attempts: r.attempts, ...(r.error === null ? {} : { error: r.error }),
  };
}

/** True while a tick of the task is running (lease not expired) or waiting to retry. */
export function hasActiveRun(sql: SqlStorage, taskId: string, now: number): boolean {
  return sql.exec("SELECT 1 FROM runs WHERE task_id = ? AND (status = 'retrying' OR (status = 'running' AND lease_until > ?)) LIMIT 1", taskId, now).toArray().length > 0;
}

/** Records a tick once: false if `(task, scheduledAt)` already has a run. */
export function insertRun(sql: SqlStorage, claim: Claim, status: "running" | "skipped_overlap", now: number, leaseMs: number): boolean {
  const ended = status === "skipped_overlap" ? now : null;
  const lease = status === "running" ? now + leaseMs : null;
  return sql.exec(
    "INSERT INTO runs (task_id, scheduled_at, status, lease_until, ended_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING task_id",
    claim.taskId, claim.scheduledAt, status, lease, ended,
  ).toArray().length === 1;
}

/** Claims ticks waiting to retry, and ticks whose runner died (lease expired): they run again with the same tick id. */
export function claimStalled(sql: SqlStorage, now: number, leaseMs: number): Claim[] {
  return sql
    .exec<{ task_id: string; scheduled_at: number }>(
      `UPDATE runs SET status = 'running', lease_until = ?2, next_attempt_at = NULL
       WHERE (status = 'retrying' AND next_attempt_at <= ?1) OR (status = 'running' AND lease_until <= ?1) RETURNING task_id, scheduled_at`,
      now, now + leaseMs,
    )
    .toArray()
    .map((r) => ({ taskId: r.task_id, scheduledAt: r.scheduled_at }));
}

/** Starts an attempt; returns its number (the fencing token), or null if the run is no longer this runner's. */
export function startAttempt(sql: SqlStorage, claim: Claim, now: number, leaseMs: number): number | null {
  const row = sql.exec<{ attempts: number }>(
    "UPDATE runs SET attempts = attempts + 1, started_at = COALESCE(started_at, ?), lease_until = ? WHERE task_id = ? AND scheduled_at = ? AND status = 'running' RETURNING attempts",
    now, now + leaseMs, claim.taskId, claim.scheduledAt,
  ).toArray()[0];
  return row ? row.attempts : null;
}

export type Outcome = { status: "succeeded" } | { status: "retrying"; error: string; retryAt: number } | { status: "failed"; error: string };

/** Ends an attempt, fenced by its number: a runner whose lease was taken over changes nothing. */
export function finishAttempt(sql: SqlStorage, claim: Claim, attempt: number, outcome: Outcome, now: number): boolean {
  const error = outcome.status === "succeeded" ? null : outcome.error.slice(0, 2000);
  const retryAt = outcome.status === "retrying" ? outcome.retryAt : null;
  const ended = outcome.status === "retrying" ? null : now;
  const done = sql.exec(
    "UPDATE runs SET status = ?, error = ?, next_attempt_at = ?, ended_at = ?, lease_until = NULL WHERE task_id = ? AND scheduled_at = ? AND attempts = ? AND status = 'running' RETURNING task_id",
    outcome.status, error, retryAt, ended, claim.taskId, claim.scheduledAt, attempt,
  ).toArray().length === 1;
  if (done) sql.exec(`DELETE FROM runs WHERE task_id = ?1 AND scheduled_at < (SELECT MIN(scheduled_at) FROM (SELECT scheduled_at FROM runs WHERE task_id = ?1 ORDER BY scheduled_at DESC LIMIT ${RUN_HISTORY}))`, claim.taskId);
  return done;
}

export function listRuns(sql: SqlStorage, taskId: string, limit = RUN_HISTORY): TaskRun[] {
  return sql.exec<RunRow>("SELECT * FROM runs WHERE task_id = ? ORDER BY scheduled_at DESC LIMIT ?", taskId, limit).toArray().map(toRun);
}

export function getRun(sql: SqlStorage, claim: Claim): TaskRun | null {
  const row = sql.exec<RunRow>("SELECT * FROM runs WHERE task_id = ? AND scheduled_at = ?", claim.taskId, claim.scheduledAt).toArray()[0];
  return row ? toRun(row) : null;
}

/** When the singleton next needs its alarm: a due tick, a retry, or a lease to check. */
export function nextDue(sql: SqlStorage): number | null {
  return sql.exec<{ t: number | null }>(
    `SELECT MIN(t) AS t FROM (
       SELECT MIN(next_run_at) AS t FROM tasks WHERE paused = 0
       UNION ALL SELECT MIN(next_attempt_at) FROM runs WHERE status = 'retrying'
       UNION ALL SELECT MIN(lease_until) FROM runs WHERE status = 'running')`,
  ).one().t;
}

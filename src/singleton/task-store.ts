import type { CatchUp, Schedule, TaskAction, TaskId } from "../spec/index.ts";
import { firstTick } from "./schedule.ts";

/** What defines a task; changing its schedule restarts it from now. */
export interface TaskSpec {
  readonly source: "code" | "http";
  readonly schedule: Schedule;
  readonly action?: TaskAction | undefined;
  readonly catchUp: CatchUp;
  readonly catchUpCap: number;
  readonly maxAttempts: number;
  readonly paused: boolean;
}

export interface TaskRow extends TaskSpec {
  readonly id: TaskId;
  readonly anchor: number;
  readonly nextRunAt: number | null;
  readonly missed: number;
}

interface Row extends Record<string, SqlStorageValue> {
  task_id: string; source: string; schedule: string; action: string | null; catch_up: string; catch_up_cap: number;
  max_attempts: number; paused: number; anchor: number; next_run_at: number | null; missed: number;
}

function toTask(r: Row): TaskRow {
  return {
    id: r.task_id as TaskId, source: r.source as TaskSpec["source"], schedule: JSON.parse(r.schedule) as Schedule,
    action: r.action === null ? undefined : (JSON.parse(r.action) as TaskAction), catchUp: r.catch_up as CatchUp, catchUpCap: r.catch_up_cap,
    maxAttempts: r.max_attempts, paused: r.paused === 1, anchor: r.anchor, nextRunAt: r.next_run_at, missed: r.missed,
  };
}

export function getTask(sql: SqlStorage, id: string): TaskRow | null {
  const row = sql.exec<Row>("SELECT * FROM tasks WHERE task_id = ?", id).toArray()[0];
  return row ? toTask(row) : null;
}

export function listTasks(sql: SqlStorage): TaskRow[] {
  return sql.exec<Row>("SELECT * FROM tasks ORDER BY task_id").toArray().map(toTask);
}

/**
 * Idempotent upsert. A new task starts at its first tick after now; the same spec again changes
 * nothing; a changed schedule restarts the task from now; other changes keep its place.
 */
export function upsertTask(sql: SqlStorage, id: TaskId, spec: TaskSpec, now: number, rate: number | null = null): { created: boolean; changed: boolean } {
  const existing = getTask(sql, id);
  const scheduleJson = JSON.stringify(spec.schedule);
  const actionJson = spec.action === undefined ? null : JSON.stringify(spec.action);
  const specJson = JSON.stringify([spec.source, scheduleJson, actionJson, spec.catchUp, spec.catchUpCap, spec.maxAttempts, spec.paused]);
  if (!existing) {
    sql.exec(
      "INSERT INTO tasks (task_id, source, spec, schedule, action, catch_up, catch_up_cap, max_attempts, paused, anchor, next_run_at, created_at, updated_at, rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      id, spec.source, specJson, scheduleJson, actionJson, spec.catchUp, spec.catchUpCap, spec.maxAttempts, spec.paused ? 1 : 0, now, firstTick(spec.schedule, now), now, now, rate,
    );
    return { created: true, changed: true };
  }
  const current = sql.exec<{ spec: string }>("SELECT spec FROM tasks WHERE task_id = ?", id).one().spec;
  if (current === specJson) return { created: false, changed: false };
  const restart = JSON.stringify(existing.schedule) !== scheduleJson;
  sql.exec(
    `UPDATE tasks SET source = ?, spec = ?, schedule = ?, action = ?, catch_up = ?, catch_up_cap = ?, max_attempts = ?, paused = ?, updated_at = ?, rate = ?,
       anchor = CASE WHEN ? THEN ? ELSE anchor END, next_run_at = CASE WHEN ? THEN ? ELSE next_run_at END WHERE task_id = ?`,
    spec.source, specJson, scheduleJson, actionJson, spec.catchUp, spec.catchUpCap, spec.maxAttempts, spec.paused ? 1 : 0, now, rate,
    restart ? 1 : 0, now, restart ? 1 : 0, restart ? firstTick(spec.schedule, now) : null, id,
  );
  return { created: false, changed: true };
}

/** Pauses or resumes; returns false when there is no such task. */
export function setPaused(sql: SqlStorage, id: string, paused: boolean, now: number): boolean {
  return sql.exec("UPDATE tasks SET paused = ?, updated_at = ? WHERE task_id = ? RETURNING task_id", paused ? 1 : 0, now, id).toArray().length === 1;
}

/** Deletes a task and its runs; returns false when there is no such task. */
export function deleteTask(sql: SqlStorage, id: string): boolean {
  sql.exec("DELETE FROM runs WHERE task_id = ?", id);
  return sql.exec("DELETE FROM tasks WHERE task_id = ? RETURNING task_id", id).toArray().length === 1;
}

/** Advances a task past the ticks it just handled or dropped. */
export function advanceTask(sql: SqlStorage, id: string, next: number | null, dropped: number): void {
  sql.exec("UPDATE tasks SET next_run_at = ?, missed = missed + ? WHERE task_id = ?", next, dropped, id);
}

/** Tasks not paused whose next tick is due. */
export function dueTasks(sql: SqlStorage, now: number): TaskRow[] {
  return sql.exec<Row>("SELECT * FROM tasks WHERE paused = 0 AND next_run_at IS NOT NULL AND next_run_at <= ? ORDER BY next_run_at", now).toArray().map(toTask);
}

/** Removes tasks declared in code that the code no longer declares (and their runs). */
export function retireCodeTasks(sql: SqlStorage, declared: ReadonlySet<string>): string[] {
  const stale = sql.exec<{ task_id: string }>("SELECT task_id FROM tasks WHERE source = 'code'").toArray().map((r) => r.task_id).filter((id) => !declared.has(id));
  for (const id of stale) deleteTask(sql, id);
  return stale;
}

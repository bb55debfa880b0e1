import { deleteAlarm, getAlarm, setAlarm } from "../storage/alarms.ts";
import { clock } from "../clock.ts";
import type { TaskRun } from "../spec/index.ts";
import { AppError } from "../spec/index.ts";
import { withDeadline } from "../shards/runtime.ts";
import { selectTicks } from "./catch-up.ts";
import { claimStalled, finishAttempt, getRun, hasActiveRun, insertRun, nextDue, startAttempt, tickId, type Claim } from "./runs.ts";
import { advanceTask, dueTasks, getTask, type TaskRow } from "./task-store.ts";

/** What a tick's runner gets: the tick id is the idempotency key of whatever the task does. */
export interface Tick {
  readonly taskId: string;
  readonly tickId: string;
  readonly scheduledAt: number;
  readonly attempt: number;
}

export type TaskRunner = (task: TaskRow, tick: Tick) => Promise<void>;

/** A task's attempt may run this long (60 s); its lease lasts 10 s more. */
export const TASK_TIMEOUT_MS = 60_000;
const LEASE_MS = TASK_TIMEOUT_MS + 10_000;

/** Retry delay of attempt n (n ≥ 1): 1 s doubling, capped at 5 min, with ±50 % jitter. */
export function retryDelay(attempt: number, random = Math.random): number {
  return Math.round(Math.min(300_000, 1000 * 2 ** (attempt - 1)) * (0.5 + random() / 2));
}

/**
 * The scheduler of one singleton: one alarm at the earliest moment any task needs it. On the
 * alarm it claims due ticks (a run row per tick, keyed by the tick, so a repeated or early alarm
 * cannot claim a tick twice), advances each task from the scheduled time of its last tick, re-arms
 * the alarm, then runs the claimed ticks (one task's ticks in order; tasks concurrently).
 */
export class Scheduler {
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly runner: TaskRunner,
  ) {}

  /** The alarm handler. */
  async alarm(): Promise<void> {
    const claims = this.claim(clock.now());
    await this.arm();
    const byTask = new Map<string, Claim[]>();
    for (const claim of claims) byTask.set(claim.taskId, [...(byTask.get(claim.taskId) ?? []), claim]);
    await Promise.all([...byTask.values()].map(async (ticks) => {
      for (const claim of ticks.sort((a, b) => a.scheduledAt - b.scheduledAt)) await this.#run(claim);
    }));
    await this.arm();
  }

  /** Claims every due tick in one transaction. */
  claim(now: number): Claim[] {
    const sql = this.storage.sql;
    return this.storage.transactionSync(() => {
      const claims: Claim[] = [];
      for (const task of dueTasks(sql, now)) {
        const { run, dropped, next } = selectTicks(task.schedule, task.nextRunAt ?? now, now, task.catchUp, task.catchUpCap);
        const overlapping = hasActiveRun(sql, task.id, now);
        for (const scheduledAt of run) {
          const claim = { taskId: task.id, scheduledAt };
          if (overlapping) insertRun(sql, claim, "skipped_overlap", now, LEASE_MS);
          else if (insertRun(sql, claim, "running", now, LEASE_MS)) claims.push(claim);
        }
        advanceTask(sql, task.id, next, dropped);
      }
      return [...claims, ...claimStalled(sql, now, LEASE_MS)];
    });
  }

  /**
   * Runs a task now, outside its schedule (`POST …/trigger`), as a tick scheduled now. While
   * another tick of the task runs, the trigger is recorded `skipped_overlap`.
   */
  async trigger(taskId: string): Promise<TaskRun> {
    const sql = this.storage.sql;
    const now = clock.now();
    const claim = { taskId, scheduledAt: now };
    const started = this.storage.transactionSync(() => {
      if (!getTask(sql, taskId)) throw new AppError("not_found", `no task '${taskId}'`);
      const overlapping = hasActiveRun(sql, taskId, now);
      if (!insertRun(sql, claim, overlapping ? "skipped_overlap" : "running", now, LEASE_MS)) throw new AppError("conflict", "a tick at this instant already exists; retry");
      return !overlapping;
    });
    if (started) await this.#run(claim);
    await this.arm();
    const run = getRun(sql, claim);
    if (!run) throw new AppError("internal", "the triggered run disappeared");
    return run;
  }

  async #run(claim: Claim): Promise<void> {
    const sql = this.storage.sql;
    const task = getTask(sql, claim.taskId);
    const attempt = startAttempt(sql, claim, clock.now(), LEASE_MS);
    if (attempt === null) return;
    if (!task) {
      finishAttempt(sql, claim, attempt, { status: "failed", error: "the task was deleted" }, clock.now());
      return;
    }
    try {
      const tick: Tick = { taskId: claim.taskId, tickId: tickId(claim.taskId, claim.scheduledAt), scheduledAt: claim.scheduledAt, attempt };
      await withDeadline(TASK_TIMEOUT_MS, () => this.runner(task, tick));
      finishAttempt(sql, claim, attempt, { status: "succeeded" }, clock.now());
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      const outcome = attempt >= task.maxAttempts ? { status: "failed" as const, error } : { status: "retrying" as const, error, retryAt: clock.now() + retryDelay(attempt) };
      finishAttempt(sql, claim, attempt, outcome, clock.now());
    }
  }

  /** Sets the one alarm to the earliest time any task needs it (or clears it). Safe to call on every activation. */
  async arm(): Promise<number | null> {
    const next = nextDue(this.storage.sql);
    const current = await getAlarm(this.storage);
    if (next === null) {
      if (current !== null) await deleteAlarm(this.storage);
    } else if (current !== next) {
      await setAlarm(this.storage, next);
    }
    return next;
  }
}

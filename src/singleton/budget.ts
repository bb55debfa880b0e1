import type { Schedule } from "../spec/index.ts";
import { intervalMs, nextTick } from "./schedule.ts";
import { clock } from "../clock.ts";

/** Tasks one singleton may hold (declared in code and registered over HTTP together). */
export const MAX_TASKS_PER_SINGLETON = 10_000;
/** Ticks per second one singleton's tasks may add up to, each counted at its fastest (see `ticksPerSecond`). */
export const MAX_TICKS_PER_SECOND = 100;
/** Cron ticks looked at to find a schedule's fastest pace. */
const CRON_SAMPLE = 64;

/**
 * The fastest pace of a schedule, in ticks per second: an interval's; a cron expression's shortest
 * gap between its next ticks (so `0-9 * * * * *` counts as one a second); a one-shot counts 0.
 */
export function ticksPerSecond(schedule: Schedule, now: number): number {
  if ("every" in schedule) return 1000 / intervalMs(schedule.every);
  if (!("cron" in schedule)) return 0;
  let shortest = Number.POSITIVE_INFINITY;
  let tick = nextTick(schedule, now);
  for (let i = 0; i < CRON_SAMPLE && tick !== null; i++) {
    const next = nextTick(schedule, tick);
    if (next !== null) shortest = Math.min(shortest, next - tick);
    tick = next;
  }
  return Number.isFinite(shortest) ? 1000 / shortest : 0;
}

export const round = (n: number) => Math.round(n * 1000) / 1000;

/** The same budget over the tasks an application declares in code, checked when the cluster is created. */
export function checkDeclaredBudget(singleton: string, schedules: readonly Schedule[], now = clock.now()): void {
  if (schedules.length > MAX_TASKS_PER_SINGLETON) throw new Error(`singleton '${singleton}' declares ${schedules.length} tasks; at most ${MAX_TASKS_PER_SINGLETON}`);
  const rate = schedules.reduce((sum, s) => sum + ticksPerSecond(s, now), 0);
  if (rate > MAX_TICKS_PER_SECOND + 1e-9) throw new Error(`singleton '${singleton}' declares tasks ticking ${round(rate)} times a second; the budget is ${MAX_TICKS_PER_SECOND}`);
}

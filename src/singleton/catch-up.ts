import type { CatchUp, Schedule } from "../spec/index.ts";
import { dueTicks } from "./schedule.ts";

/** A tick more than this late when its alarm runs is "missed" (policy `none` drops it). */
export const MISSED_AFTER_MS = 60_000;
/** Policy `all` runs at most this many missed ticks (the latest ones) by default. */
export const DEFAULT_CATCH_UP_CAP = 100;

/**
 * Which due ticks to run, per policy: `skip` the latest only; `all` every one in order, at most
 * `cap` (the latest); `none` only a tick that is not missed. Returns the ticks to run, how many
 * were dropped, and the next tick after `now` (computed from scheduled times, not the clock).
 */
export function selectTicks(schedule: Schedule, from: number, now: number, policy: CatchUp, cap = DEFAULT_CATCH_UP_CAP): { run: number[]; dropped: number; next: number | null } {
  const due = dueTicks(schedule, from, now, policy === "all" ? cap : 1);
  const run = policy === "none" ? due.latest.filter((tick) => now - tick <= MISSED_AFTER_MS) : due.latest;
  return { run, dropped: due.count - run.length, next: due.next };
}

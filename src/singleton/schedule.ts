import { Cron } from "croner";
import { AppError, type Schedule } from "../spec/index.ts";

/**
 * Schedule arithmetic, pure: every tick time derives from the schedule and from the scheduled
 * time of the previous tick, never from the wall clock, so an early or repeated alarm cannot
 * produce a tick twice. Cron expressions (5 or 6 fields, seconds first) and IANA timezones are
 * croner's; intervals are aligned to the task's anchor (when it was stored).
 */

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
/** Shortest interval: 1 s. Longest: 7 days. */
export const MIN_INTERVAL_MS = 1000;
export const MAX_INTERVAL_MS = 7 * 24 * 3_600_000;
/** Forward enumeration of cron ticks stops here; beyond it the latest ticks come from croner's previousRuns. */
const MAX_ENUMERATION = 20_000;

export function intervalMs(every: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(every);
  return match ? Number(match[1]) * UNITS[match[2] as keyof typeof UNITS] : Number.NaN;
}

function cronOf(schedule: { cron: string; tz?: string | undefined }): Cron {
  return new Cron(schedule.cron, { timezone: schedule.tz ?? "UTC", paused: true, mode: "5-or-6-parts" });
}

function invalid(path: string, message: string): AppError {
  return new AppError("validation_failed", `invalid schedule: ${message}`, { extra: { errors: [{ path: `schedule.${path}`, message }] } });
}

/** Checks a schedule before anything is stored: a bad cron, unknown timezone, bad interval or past `at` throws 400. */
export function validateSchedule(schedule: Schedule, now: number): void {
  if ("cron" in schedule) {
    if (schedule.tz !== undefined) {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: schedule.tz });
      } catch {
        throw invalid("tz", `unknown timezone '${schedule.tz}'`);
      }
    }
    let cron: Cron;
    try {
      cron = cronOf(schedule);
    } catch (err) {
      throw invalid("cron", err instanceof Error ? err.message : "bad cron expression");
    }
    if (cron.nextRun(new Date(now)) === null) throw invalid("cron", "the expression never fires");
  } else if ("every" in schedule) {
    const ms = intervalMs(schedule.every);
    if (!(ms >= MIN_INTERVAL_MS && ms <= MAX_INTERVAL_MS)) throw invalid("every", `the interval must be between 1s and 168h`);
  } else if ("at" in schedule && Date.parse(schedule.at) <= now) {
    throw invalid("at", `'${schedule.at}' is in the past`);
  }
}

/** The first tick of a task stored at `anchor`. */
export function firstTick(schedule: Schedule, anchor: number): number | null {
  if ("at" in schedule) return Date.parse(schedule.at);
  if ("delayMs" in schedule) return anchor + schedule.delayMs;
  if ("every" in schedule) return anchor + intervalMs(schedule.every);
  return cronOf(schedule).nextRun(new Date(anchor))?.getTime() ?? null;
}

/** The tick after the tick scheduled at `tick` (strictly later), or null when the schedule ends. */
export function nextTick(schedule: Schedule, tick: number): number | null {
  if ("at" in schedule || "delayMs" in schedule) return null;
  if ("every" in schedule) return tick + intervalMs(schedule.every);
  return cronOf(schedule).nextRun(new Date(tick))?.getTime() ?? null;
}

/**
 * The ticks due at `now`, starting with `from` (the task's next tick): the latest `keep` of them in
 * order, how many there were in all, and the first tick after `now`.
 */
export function dueTicks(schedule: Schedule, from: number, now: number, keep: number): { latest: number[]; count: number; next: number | null } {
  if (from > now) return { latest: [], count: 0, next: from };
  if ("every" in schedule) {
    const step = intervalMs(schedule.every);
    const count = Math.floor((now - from) / step) + 1;
    const last = from + (count - 1) * step;
    const latest = Array.from({ length: Math.min(keep, count) }, (_, i) => last - (Math.min(keep, count) - 1 - i) * step);
    return { latest, count, next: last + step };
  }
  if (!("cron" in schedule)) return { latest: keep > 0 ? [from] : [], count: 1, next: null };
  const cron = cronOf(schedule);
  const ticks: number[] = [];
  let tick: number | null = from;
  while (tick !== null && tick <= now && ticks.length < MAX_ENUMERATION) {
    ticks.push(tick);
    tick = cron.nextRun(new Date(tick))?.getTime() ?? null;
  }
  if (tick !== null && tick <= now) {
    // Very long outage: take the latest ticks directly and count the rest as at least the enumeration cap.
    const tail = cron.previousRuns(keep, new Date(now + 1)).map((d) => d.getTime()).reverse();
    return { latest: tail, count: MAX_ENUMERATION + tail.length, next: cron.nextRun(new Date(now))?.getTime() ?? null };
  }
  return { latest: ticks.slice(Math.max(0, ticks.length - keep)), count: ticks.length, next: tick };
}

/**
 * The retry schedule of the Standard Webhooks specification: the first attempt immediately, then
 * after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h; after the tenth failure the
 * delivery is dead. Pure functions: the clock and the randomness are parameters.
 */

/** Delay before attempt n+1 (index n), seconds: attempt 1 is immediate. */
export const RETRY_SCHEDULE_SECONDS: readonly number[] = [0, 5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400];

/** Attempts a delivery gets before it is dead-lettered. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_SECONDS.length;

/** Jitter: each delay is multiplied by a factor in [0.9, 1.1). */
export const JITTER = 0.1;

/** An endpoint failing this long without a success is disabled (5 days). */
export const DISABLE_AFTER_MS = 5 * 24 * 3_600_000;

/** The longest `Retry-After` honoured (24 h); longer asks are capped. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

export interface ScheduleOptions {
  /** Multiplies every delay (default 1): tests shrink the schedule with WEBHOOK_RETRY_SCHEDULE_SCALE. */
  readonly scale?: number;
  /** A number in [0, 1) (default Math.random). */
  readonly random?: () => number;
}

/**
 * The delay in ms before the next attempt after `failedAttempts` failures, or null when the
 * schedule is exhausted (the delivery is dead). `retryAfterMs` (from a 429/503) is honoured: the
 * next attempt is never earlier than it asks, up to 24 h.
 */
export function nextRetryDelayMs(failedAttempts: number, options: ScheduleOptions = {}, retryAfterMs?: number): number | null {
  const base = RETRY_SCHEDULE_SECONDS[failedAttempts];
  if (base === undefined || failedAttempts < 1) return null;
  const factor = 1 - JITTER + 2 * JITTER * (options.random ?? Math.random)();
  const scheduled = Math.round(base * 1000 * (options.scale ?? 1) * factor);
  return retryAfterMs === undefined ? scheduled : Math.max(scheduled, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** `Retry-After` as ms from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

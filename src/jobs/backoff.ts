/** Exponential backoff: the cap of attempt n's delay is `min(maxMs, baseMs · 2^(n−1))`. */
export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** 1 s doubling to 5 min. */
export const DEFAULT_BACKOFF: Backoff = { baseMs: 1_000, maxMs: 300_000 };

/** The largest delay after failed attempt `attempt` (1-based). */
export function backoffCap(attempt: number, backoff: Backoff = DEFAULT_BACKOFF): number {
  const exponent = Math.min(Math.max(0, attempt - 1), 40); // 2^40 · 1 ms is beyond any cap: no overflow
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** exponent);
}

/**
 * The delay before the retry that follows failed attempt `attempt`: "full jitter", a uniform draw
 * in [0, cap) (AWS Architecture Blog, "Exponential Backoff And Jitter"), so retries of many jobs
 * that failed together spread out instead of colliding. `random` is injectable for tests.
 */
export function backoffDelay(attempt: number, backoff: Backoff = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  return Math.floor(random() * backoffCap(attempt, backoff));
}

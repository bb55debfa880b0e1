import { CLOSE_CODES } from "../../spec/realtime.ts";

/**
 * When and how soon to reconnect. Pure functions, so the schedule is testable without sockets or
 * timers. Defaults follow partysocket: the first retry waits 1–5 s, then ×1.3 per attempt, at most 10 s.
 */

/** Backoff settings, all in milliseconds except the growth factor. */
export interface ReconnectOptions {
  /** Smallest first-retry delay (default 1,000). */
  minReconnectionDelay: number;
  /** Random extra added to the first-retry delay, `random × jitter` (default 4,000: first retry 1–5 s). */
  reconnectionJitter: number;
  /** Growth per further attempt (default 1.3). */
  reconnectionDelayGrowFactor: number;
  /** Cap on any delay (default 10,000). */
  maxReconnectionDelay: number;
}

/** The partysocket-compatible defaults. */
export const DEFAULT_RECONNECT: Readonly<ReconnectOptions> = {
  minReconnectionDelay: 1_000,
  reconnectionJitter: 4_000,
  reconnectionDelayGrowFactor: 1.3,
  maxReconnectionDelay: 10_000,
};

/**
 * The delay before reconnect attempt `attempt` (1 = the first retry; 0 or less = connect now).
 * `random` is a number in [0, 1), `Math.random()` in production. Guarantees: the result is 0 for
 * attempt ≤ 0, never below `minReconnectionDelay` (unless the cap is lower), never above
 * `maxReconnectionDelay`, and non-decreasing in `attempt` for a fixed `random` (the growth factor is ≥ 1).
 *
 * @example reconnectDelay(1, DEFAULT_RECONNECT, Math.random()) // 1000..5000
 */
export function reconnectDelay(attempt: number, options: Readonly<ReconnectOptions>, random: number): number {
  if (attempt <= 0) return 0;
  const first = options.minReconnectionDelay + random * options.reconnectionJitter;
  const grown = first * options.reconnectionDelayGrowFactor ** (attempt - 1);
  return Math.min(grown, options.maxReconnectionDelay);
}

/** Close codes after which reconnecting would only repeat the refusal: 4001 (replaced) and 1008 (policy). */
export const TERMINAL_CLOSE_CODES: ReadonlySet<number> = new Set([CLOSE_CODES.replaced, CLOSE_CODES.policy]);

/**
 * Whether to reconnect after the server closed the socket with `code`. False for 4001 (this socket
 * was replaced because the user opened too many) and 1008 (policy: e.g. flooding); true for 1012
 * (restart), 1006 (network) and every other code.
 */
export function shouldReconnect(code: number): boolean {
  return !TERMINAL_CLOSE_CODES.has(code);
}

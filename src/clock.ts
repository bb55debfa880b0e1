/**
 * The platform's one clock. Everything that decides by time (a schedule, a retry's backoff, a
 * lease, a rate window, a retention, an alarm's moment) reads `clock.now()`, so a test can move
 * time instead of waiting for it (`durable-cluster/testing`). In production it is `Date.now()`:
 * nothing but a test changes it, and nothing reads an environment variable to do so.
 */
interface ClockState {
  /** Added to `Date.now()`: how far a test has moved time ahead. Only grows. */
  offset: number;
  /** While set, time stands still at this instant. */
  held: number | null;
}

// One state per isolate, however many copies of this module a bundler or test runner loads.
const SLOT = Symbol.for("durable-cluster.clock");
const slots = globalThis as unknown as Record<symbol, ClockState | undefined>;
const state: ClockState = (slots[SLOT] ??= { offset: 0, held: null });

export const clock = {
  now: (): number => state.held ?? Date.now() + state.offset,
};

/** Test-side control of the clock (`durable-cluster/testing` uses it; the platform never does). */
export const clockControl = {
  /** How far time has been moved ahead of the wall clock. */
  offset: (): number => state.offset,
  /** Moves time forward so that `clock.now()` reads at least `at` (never back). */
  moveTo(at: number): void {
    if (state.held !== null) state.held = Math.max(state.held, at);
    else state.offset = Math.max(state.offset, at - Date.now());
  },
  /** Holds time still at its current reading until `release()`. */
  hold(): void {
    state.held ??= clock.now();
  },
  release(): void {
    if (state.held !== null) state.offset = Math.max(state.offset, state.held - Date.now());
    state.held = null;
  },
};

/**
 * The platform's clock. Code that decides by time (a rate window, a deadline, a lease) reads
 * `clock.now()`, so a test can hold or move time instead of racing the wall clock. In production
 * the source is `Date.now`, and nothing but a test replaces it.
 */
let source: () => number = () => Date.now();

export const clock = {
  now: (): number => source(),
};

/** Replaces the clock's source (tests only); returns the function that restores the previous one. */
export function setClockSource(next: () => number): () => void {
  const previous = source;
  source = next;
  return () => {
    source = previous;
  };
}

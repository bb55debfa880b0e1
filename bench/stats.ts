/** Latency statistics and table printing shared by every benchmark. */
export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN, mean };
}

export const fmt = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : String(value));

/** Prints one comparison line: ours, the baseline and ours/baseline. */
export function printRatio(label: string, ours: number, baseline: number, unit: string): void {
  console.log(`${label}: ours ${fmt(ours)} ${unit} | baseline ${fmt(baseline)} ${unit} | ratio ours/baseline ${fmt(ours / baseline)}`);
}

/** Runs `task` `total` times with at most `concurrency` in flight; returns each duration in ms. */
export async function timed(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number[]> {
  const durations: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const started = performance.now();
      await task(i);
      durations.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return durations;
}

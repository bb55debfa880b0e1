import { cpuNs } from "./realtime-workerd.ts";
import { fmt, summarize } from "./stats.ts";

/**
 * The one measurement method of every benchmark: ours and a baseline in alternating rounds in one
 * run, against the user workerd (clients connect to it straight, past wrangler's proxy). Per round,
 * the workerd's on-CPU time (every thread's schedstat) divided by the units the round did (messages,
 * deliveries, events, jobs, rows, tenants) is the headline; wall throughput and p50/p99 beside it.
 * Each figure is the median of the rounds, with their min–max.
 */

/**
 * What one round of an arm did: its units, and each unit's latency when it has one. Latencies that
 * take reading back (job rows, say) can be a function: it runs after the round's CPU is taken, so
 * the benchmark's own reads are not counted as the system's work.
 */
export interface RoundResult {
  readonly units: number;
  readonly latenciesMs?: readonly number[] | (() => Promise<readonly number[]>);
}

/** One side of a comparison: `round(r)` does one round's work and says how much. */
export interface Arm {
  readonly name: string;
  round(r: number): Promise<RoundResult>;
}

/** A figure over the rounds: the median and the spread. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface ArmFigures {
  readonly name: string;
  readonly cpuUsPerUnit: Spread;
  readonly unitsPerSecond: Spread;
  readonly p50Ms?: Spread;
  readonly p99Ms?: Spread;
}

/** One comparison, as `npm run bench -- --json` writes it. */
export interface Comparison {
  readonly bench: string;
  readonly label: string;
  readonly unit: string;
  readonly rounds: number;
  readonly ours: ArmFigures;
  readonly baseline: ArmFigures;
  /** Median CPU per unit, ours over the baseline's: the headline. */
  readonly cpuRatio: number;
  readonly throughputRatio: number;
  /** Median p50 latency, ours over the baseline's, when both arms have latencies. */
  readonly p50Ratio?: number;
}

export const results: Comparison[] = [];

/** Runs `work` under the Worker's CPU profiler and prints its top costs (see profile.ts). */
export type Profiler = (name: string, work: () => Promise<void>) => Promise<void>;
let profiler: Profiler | undefined;
/** With `npm run bench -- --profile`, every comparison profiles one more round of ours. */
export const setProfiler = (p: Profiler): void => {
  profiler = p;
};
/** With `--profile`, runs `work` (one more round of ours) under the profiler as `name`; otherwise nothing. */
export const profileOurs = async (name: string, work: () => Promise<void>): Promise<void> => {
  if (profiler) await profiler(name, work);
};

export const spread = (xs: readonly number[]): Spread => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { median: sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN, min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN };
};
/** Whole numbers, or two decimals for figures under 10 (a row's CPU is about a microsecond). */
export const showSpread = (s: Spread, digits = Math.abs(s.median) < 10 ? 2 : 0): string => `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;

/** Per-round figures of one arm: CPU µs per unit, units per second, and the round's p50 and p99 latency (ms). */
export interface Samples {
  cpu: number[];
  rate: number[];
  p50: number[];
  p99: number[];
}

async function measure(arm: Arm, r: number, pid: number, into: Samples): Promise<void> {
  const [cpu0, t0] = [cpuNs(pid), performance.now()];
  const result = await arm.round(r);
  const [cpu, wallMs] = [cpuNs(pid) - cpu0, performance.now() - t0];
  into.cpu.push(cpu / 1000 / Math.max(1, result.units));
  into.rate.push(result.units / (wallMs / 1000));
  const latencies = typeof result.latenciesMs === "function" ? await result.latenciesMs() : result.latenciesMs;
  if (latencies && latencies.length > 0) {
    const s = summarize(latencies);
    into.p50.push(s.p50);
    into.p99.push(s.p99);
  }
}

const figures = (name: string, s: Samples): ArmFigures => ({
  name,
  cpuUsPerUnit: spread(s.cpu),
  unitsPerSecond: spread(s.rate),
  ...(s.p50.length > 0 ? { p50Ms: spread(s.p50), p99Ms: spread(s.p99) } : {}),
});

/**
 * Runs `ours` and `baseline` once each to warm up, then `rounds` rounds of both, the order swapped
 * every round; prints and records the comparison.
 */
export async function compare(options: { bench: string; label: string; unit: string; pid: number; rounds: number; ours: Arm; baseline: Arm; profileRounds?: number; baselinePid?: number }): Promise<Comparison> {
  const { ours, baseline, pid, rounds } = options;
  const samples = { ours: { cpu: [], rate: [], p50: [], p99: [] } as Samples, baseline: { cpu: [], rate: [], p50: [], p99: [] } as Samples };
  await ours.round(-1);
  await baseline.round(-1);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (["ours", "baseline"] as const) : (["baseline", "ours"] as const);
    // `baselinePid`: a baseline served by another workerd (the same Worker with a setting changed).
    for (const side of order) await measure(side === "ours" ? ours : baseline, r, side === "ours" ? pid : (options.baselinePid ?? pid), samples[side]);
  }
  const comparison = record({ ...options, ours: { name: ours.name, samples: samples.ours }, baseline: { name: baseline.name, samples: samples.baseline } });
  // Named by the bench and the label's head (`tenants-tenant-provisioning-ours`), so a bench's comparisons keep their own files.
  const slug = (options.label.split(":")[0] ?? "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  // `profileRounds`: rounds of ours under the profiler (default one; more where one round is too short to sample).
  await profileOurs(`${options.bench}-${slug}-ours`, async () => {
    for (let r = 0; r < (options.profileRounds ?? 1); r++) await ours.round(rounds + r);
  });
  return comparison;
}

/**
 * Prints and records a comparison from each arm's per-round samples. `compare` takes them itself; a
 * benchmark with its own alternated rounds on the same footing (the realtime fan-out, with three
 * variants) passes its own.
 */
export function record(options: { bench: string; label: string; unit: string; pid: number; rounds: number; ours: { name: string; samples: Samples }; baseline: { name: string; samples: Samples } }): Comparison {
  const [o, b] = [figures(options.ours.name, options.ours.samples), figures(options.baseline.name, options.baseline.samples)];
  const p50Ratio = o.p50Ms && b.p50Ms ? o.p50Ms.median / b.p50Ms.median : undefined;
  const comparison: Comparison = {
    bench: options.bench,
    label: options.label,
    unit: options.unit,
    rounds: options.rounds,
    ours: o,
    baseline: b,
    cpuRatio: o.cpuUsPerUnit.median / b.cpuUsPerUnit.median,
    throughputRatio: o.unitsPerSecond.median / b.unitsPerSecond.median,
    ...(p50Ratio === undefined ? {} : { p50Ratio }),
  };
  results.push(comparison);
  console.log(`${options.label}: ${options.rounds} rounds alternated, straight to the user workerd (pid ${options.pid}); median (min–max) of the rounds`);
  for (const f of [o, b]) {
    const latency = f.p50Ms && f.p99Ms ? `, p50 ${showSpread(f.p50Ms, 1)} ms, p99 ${showSpread(f.p99Ms, 1)} ms` : "";
    console.log(`  ${f.name}: CPU ${showSpread(f.cpuUsPerUnit)} µs/${options.unit}, ${showSpread(f.unitsPerSecond)} ${options.unit}/s${latency}`);
  }
  console.log(`  CPU per ${options.unit}, ours/baseline: ${fmt(comparison.cpuRatio)} · throughput ratio ${fmt(comparison.throughputRatio)}${p50Ratio === undefined ? "" : ` · p50 ratio ${fmt(p50Ratio)}`}`);
  return comparison;
}

import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { fmt } from "./stats.ts";

/**
 * `npm run bench -- testing`: the virtual clock of `durable-cluster/testing` against the plugin's
 * primitive driven by hand, inside workerd (bench/testing/advance.test.ts, vitest.bench.config.ts): wall ms per simulated
 * tick of the scaffold's hourly task, rounds alternated, median (min–max); and what reading the
 * platform's clock costs over `Date.now()` (ns per read), the only cost it adds in production.
 * Wall time, not CPU: a test's cost to its author is how long it waits.
 */
interface Line { arm: string; ticks?: number; alarms?: number; msPerTick?: number; nsPerRead?: number }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const spread = (xs: number[]) => `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;

export function benchTesting(): void {
  const root = resolve(import.meta.dirname, "..");
  const out = execFileSync(join(root, "node_modules/.bin/vitest"), ["run", "--config", "vitest.bench.config.ts", "--reporter=dot"], { cwd: root, encoding: "utf8", env: { ...process.env, DC_QUIET: "1", WRANGLER_LOG: "error", NO_COLOR: "1" }, maxBuffer: 64 * 1024 * 1024 });
  const lines = [...out.matchAll(/\[bench\] (\{.*\})/g)].map((m) => JSON.parse(m[1] ?? "{}") as Line);
  const ticks = (arm: string) => lines.filter((l) => l.arm === arm && l.msPerTick !== undefined).map((l) => l.msPerTick ?? Number.NaN);
  const [ours, baseline] = [ticks("ours"), ticks("baseline")];
  console.log(`virtual clock, wall ms per simulated tick of an hourly task (${String(ours.length)} rounds of 48 ticks, alternated):`);
  console.log(`  ours (clock.advance("2 days")): ${spread(ours)} ms`);
  console.log(`  baseline (move the clock, runDurableObjectAlarm by hand): ${spread(baseline)} ms`);
  console.log(`  ours/baseline: ${fmt(median(ours) / median(baseline))}; a simulated day takes ${fmt((24 * median(ours)) / 1000)} s instead of 86,400 s`);
  // The virtual clock fires every alarm due in the window (the counter's shard has its own), the baseline only the task's.
  const perAlarm = (arm: string) => lines.filter((l) => l.arm === arm && l.msPerTick !== undefined).map((l) => ((l.msPerTick ?? 0) * (l.ticks ?? 0)) / (l.alarms ?? 1));
  console.log(`  per alarm fired: ours ${spread(perAlarm("ours"))} ms, baseline ${spread(perAlarm("baseline"))} ms, ratio ${fmt(median(perAlarm("ours")) / median(perAlarm("baseline")))}`);
  const read = (arm: string) => median(lines.filter((l) => l.arm === arm && l.nsPerRead !== undefined).map((l) => l.nsPerRead ?? Number.NaN));
  console.log(`clock.now() ${fmt(read("clock.now()"))} ns per read, Date.now() ${fmt(read("Date.now()"))} ns per read (ratio ${fmt(read("clock.now()") / read("Date.now()"))})`);
}

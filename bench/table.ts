import { readFileSync, writeFileSync } from "node:fs";
import type { Comparison } from "./method.ts";
import { showSpread } from "./method.ts";
import { fmt } from "./stats.ts";

/**
 * `npm run bench:table -- [results.json …] [--write FILE…]`: the figures table from what
 * `npm run bench -- --json` wrote. Several files merge: each benchmark's rows come from its newest
 * run (run one benchmark again, keep the rest). With `--write`,
 * it replaces the table between each file's `<!-- figures:start -->` and `<!-- figures:end -->`
 * markers, keeping the rows of benchmarks none of the given runs measured (each row stays as its
 * own run wrote it); otherwise it prints it.
 */
const args = process.argv.slice(2);
const writeAt = args.indexOf("--write");
const targets = writeAt === -1 ? [] : args.slice(writeAt + 1);
const sources = (writeAt === -1 ? args : args.slice(0, writeAt)).filter((a) => a.endsWith(".json"));
type Results = { machine: { cpu: string; cores: number; node: string; at: string }; results: Comparison[] };
// Oldest run first, so each benchmark's newest run wins whatever order the files are named in.
const files = (sources.length > 0 ? sources : [".bench/results.json"]).map((f) => JSON.parse(readFileSync(f, "utf8")) as Results).sort((a, b) => a.machine.at.localeCompare(b.machine.at));
const machine = files.at(-1)?.machine ?? { cpu: "unknown", cores: 0, node: "", at: "" };
const byBench = new Map<string, Comparison[]>();
for (const file of files) for (const bench of new Set(file.results.map((c) => c.bench))) byBench.set(bench, file.results.filter((c) => c.bench === bench));
const results = [...byBench.values()].flat();

const rows = results.map((c) => {
  const p50 = c.p50Ratio === undefined ? "" : ` · p50 ${fmt(c.p50Ratio)}`;
  return `| \`${c.bench}\` | ${c.label.split(":")[0] ?? c.label} (${c.rounds} rounds) | ${showSpread(c.ours.cpuUsPerUnit)} | ${showSpread(c.baseline.cpuUsPerUnit)} | **${fmt(c.cpuRatio)}** | ${fmt(c.throughputRatio)}${p50} |`;
});
const table = [
  `CPU of the user workerd per unit, µs, median (min–max) of the alternated rounds; ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, ${machine.at.slice(0, 10)}.`,
  "",
  "| benchmark | what | ours | baseline (same run) | CPU ratio | throughput ratio · p50 ratio |",
  "|---|---|---|---|---|---|",
  ...rows,
].join("\n");

const benchOf = (row: string): string | undefined => /^\| `([^`]+)` \|/.exec(row)?.[1];
for (const target of targets) {
  const text = readFileSync(target, "utf8");
  const [start, end] = ["<!-- figures:start -->", "<!-- figures:end -->"];
  const [a, b] = [text.indexOf(start), text.indexOf(end)];
  if (a === -1 || b < a) throw new Error(`${target} has no ${start} … ${end} markers`);
  const kept = text.slice(a, b).split("\n").filter((row) => { const bench = benchOf(row); return bench !== undefined && !byBench.has(bench); });
  writeFileSync(target, `${text.slice(0, a + start.length)}\n${table}${kept.map((row) => `\n${row}`).join("")}\n${text.slice(b)}`);
  console.log(`wrote ${results.length} rows to ${target}, kept ${kept.length} of other runs`);
}
if (targets.length === 0) console.log(table);

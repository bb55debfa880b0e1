import { readFileSync, writeFileSync } from "node:fs";
import type { Comparison } from "./method.ts";
import { showSpread } from "./method.ts";
import { fmt } from "./stats.ts";

/**
 * `node bench/table.ts [results.json] [--write README.md]`: the figures table from what
 * `npm run bench -- --json` wrote. With `--write`, it replaces the table between the file's
 * `<!-- figures:start -->` and `<!-- figures:end -->` markers; otherwise it prints it.
 */
const args = process.argv.slice(2);
const writeAt = args.indexOf("--write");
const target = writeAt === -1 ? undefined : args[writeAt + 1];
const source = args.find((a, i) => a.endsWith(".json") && (writeAt === -1 || i !== writeAt + 1)) ?? ".bench/results.json";
const { machine, results } = JSON.parse(readFileSync(source, "utf8")) as { machine: { cpu: string; cores: number; node: string; at: string }; results: Comparison[] };

const rows = results.map((c) => {
  const p50 = c.p50Ratio === undefined ? "" : ` · p50 ${fmt(c.p50Ratio)}`;
  return `| \`${c.bench}\` | ${c.label.split(":")[0] ?? c.label} (${c.rounds} rounds) | ${showSpread(c.ours.cpuUsPerUnit)} | ${showSpread(c.baseline.cpuUsPerUnit)} | **${fmt(c.cpuRatio)}** | ${fmt(c.throughputRatio)}${p50} |`;
});
const table = [
  `CPU of the user workerd per unit, µs, median (min–max) of the alternated rounds; ${machine.cores} cores (${machine.cpu}), ${machine.at.slice(0, 10)}.`,
  "",
  "| benchmark | what | ours | baseline (same run) | CPU ratio | throughput ratio · p50 ratio |",
  "|---|---|---|---|---|---|",
  ...rows,
].join("\n");

if (target) {
  const text = readFileSync(target, "utf8");
  const [start, end] = ["<!-- figures:start -->", "<!-- figures:end -->"];
  const [a, b] = [text.indexOf(start), text.indexOf(end)];
  if (a === -1 || b < a) throw new Error(`${target} has no ${start} … ${end} markers`);
  writeFileSync(target, `${text.slice(0, a + start.length)}\n${table}\n${text.slice(b)}`);
  console.log(`wrote ${results.length} rows to ${target}`);
} else {
  console.log(table);
}

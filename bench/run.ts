import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { dirname } from "node:path";
import { startWranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { benchCron } from "./cron.ts";
import { benchEntities } from "./entities.ts";
import { benchEvents } from "./events.ts";
import { benchHealth } from "./health.ts";
import { benchInspector } from "./inspector.ts";
import { benchInspectorPage } from "./inspector-page.ts";
import { benchJobs } from "./jobs.ts";
import { results, setProfiler } from "./method.ts";
import { printProfile, profile } from "./profile.ts";
import { benchPackage } from "./package.ts";
import { benchRealtime } from "./realtime.ts";
import { benchSagas } from "./sagas.ts";
import { benchRollouts } from "./rollouts.ts";
import { benchScheduleLoad } from "./schedule-load.ts";
import { benchSse } from "./sse.ts";
import { benchTenants } from "./tenants.ts";
import { benchTesting } from "./testing-kit.ts";

/**
 * `npm run bench [name…]`: starts one real `wrangler dev` and runs the named benchmarks (all by
 * default). Each prints our figure, a baseline measured in the same run, and the ratio.
 */
const BENCHES: Record<string, (dev: Awaited<ReturnType<typeof startWranglerDev>>) => Promise<void>> = {
  health: benchHealth,
  entities: benchEntities,
  cron: benchCron,
  events: benchEvents,
  jobs: benchJobs,
  realtime: benchRealtime,
  sagas: benchSagas,
  schedule: benchScheduleLoad,
  sse: benchSse,
  tenants: benchTenants,
  rollouts: benchRollouts,
  inspector: benchInspector,
  "inspector-page": (dev) => benchInspectorPage(dev),
};

/** The machine the figures come from. */
const machine = () => ({ cpu: cpus()[0]?.model ?? "unknown", cores: availableParallelism(), memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, at: new Date().toISOString() });

/** Benchmarks that need no running Worker (they build and start their own). */
const STANDALONE: Record<string, () => void> = { package: benchPackage, testing: benchTesting };

const args = process.argv.slice(2);
// `--json [file.json]`: also write every comparison's figures (default .bench/results.json).
const jsonAt = args.indexOf("--json");
const jsonArg = jsonAt === -1 ? undefined : args[jsonAt + 1];
const jsonFile = jsonAt === -1 ? undefined : jsonArg?.endsWith(".json") ? jsonArg : ".bench/results.json";
const wanted = args.filter((a) => a !== "--json" && a !== "--profile" && a !== jsonFile);
const names = wanted.length > 0 ? wanted : [...Object.keys(BENCHES), ...Object.keys(STANDALONE)];
for (const name of names) if (!BENCHES[name] && !STANDALONE[name]) throw new Error(`unknown benchmark '${name}'; known: ${[...Object.keys(BENCHES), ...Object.keys(STANDALONE)].join(", ")}`);
for (const name of names.filter((n) => STANDALONE[n])) {
  console.log(`\n== ${name} ==`);
  STANDALONE[name]?.();
}
const withDev = names.filter((n) => BENCHES[n]);
if (withDev.length > 0) {
  const dev = await startWranglerDev({ config: "bench/worker/wrangler.toml", vars: { HEALTH_WARN_MS: "60000" } });
  // `--profile`: one more round of ours per comparison under V8's profiler (.bench/<name>.cpuprofile).
  if (args.includes("--profile")) setProfiler(async (name, work) => printProfile(name, await profile(dev, name, work)));
  try {
    for (const name of withDev) {
      console.log(`\n== ${name} ==`);
      await BENCHES[name]?.(dev);
    }
  } finally {
    await dev.stop();
  }
}
if (jsonFile) {
  mkdirSync(dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, `${JSON.stringify({ machine: machine(), results }, null, 2)}\n`);
  console.log(`\nwrote ${results.length} comparisons to ${jsonFile}`);
}

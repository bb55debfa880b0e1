import { startWranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { benchCron } from "./cron.ts";
import { benchEntities } from "./entities.ts";
import { benchEvents } from "./events.ts";
import { benchHealth } from "./health.ts";
import { benchJobs } from "./jobs.ts";
import { benchPackage } from "./package.ts";
import { benchRealtime } from "./realtime.ts";
import { benchSagas } from "./sagas.ts";
import { benchScheduleLoad } from "./schedule-load.ts";
import { benchSse } from "./sse.ts";
import { benchTenants } from "./tenants.ts";

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
};

/** Benchmarks that need no running Worker (they build and start their own). */
const STANDALONE: Record<string, () => void> = { package: benchPackage };

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : [...Object.keys(BENCHES), ...Object.keys(STANDALONE)];
for (const name of names) if (!BENCHES[name] && !STANDALONE[name]) throw new Error(`unknown benchmark '${name}'; known: ${[...Object.keys(BENCHES), ...Object.keys(STANDALONE)].join(", ")}`);
for (const name of names.filter((n) => STANDALONE[n])) {
  console.log(`\n== ${name} ==`);
  STANDALONE[name]?.();
}
const withDev = names.filter((n) => BENCHES[n]);
if (withDev.length > 0) {
  const dev = await startWranglerDev({ config: "bench/worker/wrangler.toml", vars: { HEALTH_WARN_MS: "60000" } });
  try {
    for (const name of withDev) {
      console.log(`\n== ${name} ==`);
      await BENCHES[name]?.(dev);
    }
  } finally {
    await dev.stop();
  }
}

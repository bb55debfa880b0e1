import { startWranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { benchCron } from "./cron.ts";
import { benchEntities } from "./entities.ts";
import { benchEvents } from "./events.ts";
import { benchHealth } from "./health.ts";
import { benchJobs } from "./jobs.ts";
import { benchRealtime } from "./realtime.ts";
import { benchSagas } from "./sagas.ts";
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
  sse: benchSse,
  tenants: benchTenants,
};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
const dev = await startWranglerDev({ config: "bench/worker/wrangler.toml", vars: { HEALTH_WARN_MS: "60000" } });
try {
  for (const name of names) {
    const bench = BENCHES[name];
    if (!bench) throw new Error(`unknown benchmark '${name}'; known: ${Object.keys(BENCHES).join(", ")}`);
    console.log(`\n== ${name} ==`);
    await bench(dev);
  }
} finally {
  await dev.stop();
}

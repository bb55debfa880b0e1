import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { compare } from "./method.ts";
import { findUserWorkerd } from "./realtime-workerd.ts";
import { timed } from "./stats.ts";

/**
 * `/readyz` (four Durable Object pings, concurrently, plus binding checks) against `/livez` (the
 * bare Worker round trip), on the common method (bench/method.ts): what readiness costs on top of
 * routing, per probe, one at a time.
 */
export async function benchHealth(dev: WranglerDev, perRound = 100, rounds = 5): Promise<void> {
  const workerd = await findUserWorkerd(dev);
  const arm = (name: string, path: string) => ({
    name,
    round: async (r: number) => {
      const n = r < 0 ? 20 : perRound;
      const latenciesMs = await timed(n, 1, async () => {
        const res = await fetch(workerd.url + path);
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${path} answered ${res.status}`);
      });
      return { units: n, latenciesMs };
    },
  });
  await compare({
    bench: "health",
    label: `readiness probe: /readyz against the bare Worker's /livez, ${perRound} per round, one at a time`,
    unit: "probe",
    pid: workerd.pid,
    rounds,
    ours: arm("/readyz (four object pings, binding and secret checks)", "/readyz"),
    baseline: arm("/livez (the Worker's round trip)", "/livez"),
  });
}

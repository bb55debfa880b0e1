import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { fmt, printRatio, summarize, timed } from "./stats.ts";

/**
 * `/readyz` (four Durable Object pings, concurrently, plus binding checks) against `/livez` (the
 * bare Worker round trip through the same wrangler dev): what readiness costs on top of routing.
 */
export async function benchHealth(dev: WranglerDev, rounds = 300): Promise<void> {
  const hit = (path: string) => async () => {
    const res = await fetch(dev.url + path);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${path} answered ${res.status}`);
  };
  await timed(50, 5, hit("/readyz"));
  const ours: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < 3; i++) {
    ours.push(...(await timed(rounds / 3, 1, hit("/readyz"))));
    base.push(...(await timed(rounds / 3, 1, hit("/livez"))));
  }
  const [o, b] = [summarize(ours), summarize(base)];
  console.log(`health: /readyz p50 ${fmt(o.p50)} ms p99 ${fmt(o.p99)} ms | /livez p50 ${fmt(b.p50)} ms p99 ${fmt(b.p99)} ms (n=${o.n} each, interleaved)`);
  printRatio("health p50 latency (/readyz vs bare Worker /livez)", o.p50, b.p50, "ms");
}

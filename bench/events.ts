import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { compare } from "./method.ts";
import { findUserWorkerd } from "./realtime-workerd.ts";
import { timed } from "./stats.ts";

const KEYS = 64;

/**
 * Events through our path (POST /v1/events → EventBus outbox → relay → Queue → consumer →
 * exactly-once PingLog subscriber → acknowledgement back to the owner) against a bare Queue `send` →
 * consumer → one SQLite insert, behind the same Worker, spread over 64 subscriber objects, on the
 * common method (bench/method.ts). A round ends when every event has reached its subscriber; its
 * latencies are publish-to-effect (the subscriber's clock minus the publisher's). Loss and
 * duplicates are counted at the subscribers.
 */
export async function benchEvents(dev: WranglerDev, rounds = 3, perRound = 2_000, concurrency = 16): Promise<void> {
  const workerd = await findUserWorkerd(dev);
  const headers = { Authorization: `Bearer ${dev.adminToken}`, "content-type": "application/json" };
  const run = `${Date.now()}`;
  const faults = { ours: { lost: 0, duplicates: 0 }, bare: { lost: 0, duplicates: 0 } };
  const arm = (side: "ours" | "bare", name: string, publish: (key: string, i: number) => Promise<void>, collect: (key: string) => Promise<{ lags: number[]; ns: number[] }>) => ({
    name,
    round: async (r: number) => {
      const n = r < 0 ? 200 : perRound;
      const key = (i: number) => `bench-ev-${run}-${side}${r}-${i % KEYS}`;
      const started = performance.now();
      await timed(n, concurrency, (i) => publish(key(i), i));
      let results: { lags: number[]; ns: number[] }[] = [];
      for (let received = 0; received < n && performance.now() - started < 600_000; ) {
        await new Promise((done) => setTimeout(done, 1_000));
        results = await Promise.all(Array.from({ length: KEYS }, (_, i) => collect(key(i))));
        received = results.reduce((sum, x) => sum + x.ns.length, 0);
      }
      const ns = results.flatMap((x) => x.ns);
      const unique = new Set(ns).size;
      if (r >= 0) {
        faults[side].lost += n - unique;
        faults[side].duplicates += ns.length - unique;
      }
      return { units: n, latenciesMs: results.flatMap((x) => x.lags) };
    },
  });
  await compare({
    bench: "events",
    label: `events, publish to effect: ${perRound} per round over ${KEYS} subscriber objects, publish concurrency ${concurrency}`,
    unit: "event",
    pid: workerd.pid,
    rounds,
    ours: arm("ours", "ours (outbox → Queue → exactly-once, acknowledged)",
      async (key, i) => {
        const res = await fetch(`${workerd.url}/v1/events`, { method: "POST", headers, body: JSON.stringify({ type: "demo.ping", partitionKey: key, payload: { n: i, sentAt: Date.now() } }) });
        await res.arrayBuffer();
        if (res.status !== 202) throw new Error(`publish answered ${res.status}`);
      },
      async (key) => (await (await fetch(`${workerd.url}/v1/entities/PingLog/${key}/get`, { method: "POST", headers, body: "{}" })).json()) as { lags: number[]; ns: number[] },
    ),
    baseline: arm("bare", "bare Queue send → consumer → insert",
      async (key, i) => void (await (await fetch(`${workerd.url}/_bench/raw/send/${key}?n=${i}`, { method: "POST", headers })).arrayBuffer()),
      async (key) => (await (await fetch(`${workerd.url}/_bench/raw/result/${key}`, { headers })).json()) as { lags: number[]; ns: number[] },
    ),
  });
  console.log(`  lost / duplicates over the measured rounds: ours ${faults.ours.lost} / ${faults.ours.duplicates}, bare ${faults.bare.lost} / ${faults.bare.duplicates}`);
}

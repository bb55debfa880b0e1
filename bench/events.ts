import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { fmt, printRatio, summarize, timed } from "./stats.ts";

const KEYS = 64;

/**
 * 10,000 events through our path (POST /v1/events → EventBus outbox → relay → Queue → consumer →
 * exactly-once PingLog subscriber) against a bare Queue `send` → consumer → one SQLite insert, both
 * behind the same Worker and spread over 64 subscriber objects. Publish-to-effect latency is the
 * subscriber's clock minus the publisher's; loss and duplicates are counted from the subscribers.
 */
export async function benchEvents(dev: WranglerDev, total = 10_000, concurrency = 16): Promise<void> {
  const headers = { Authorization: `Bearer ${dev.adminToken}`, "content-type": "application/json" };
  const run = `${Date.now()}`;
  const key = (i: number) => `bench-ev-${run}-${i % KEYS}`;
  const measure = async (name: string, publish: (i: number) => Promise<void>, collect: (k: string) => Promise<{ lags: number[]; ns: number[] }>) => {
    const started = performance.now();
    await timed(total, concurrency, publish);
    let results: { lags: number[]; ns: number[] }[] = [];
    for (let received = 0; received < total && performance.now() - started < 600_000; ) {
      await new Promise((r) => setTimeout(r, 500));
      results = await Promise.all(Array.from({ length: KEYS }, (_, i) => collect(key(i))));
      received = results.reduce((sum, r) => sum + r.ns.length, 0);
    }
    const seconds = (performance.now() - started) / 1000;
    const ns = results.flatMap((r) => r.ns);
    const unique = new Set(ns).size;
    return { name, rate: ns.length / seconds, lag: summarize(results.flatMap((r) => r.lags)), lost: total - unique, duplicates: ns.length - unique };
  };
  const ours = await measure(
    "ours",
    async (i) => {
      const res = await fetch(`${dev.url}/v1/events`, { method: "POST", headers, body: JSON.stringify({ type: "demo.ping", partitionKey: key(i), payload: { n: i, sentAt: Date.now() } }) });
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`publish answered ${res.status}`);
    },
    async (k) => (await (await fetch(`${dev.url}/v1/entities/PingLog/${k}/get`, { method: "POST", headers, body: "{}" })).json()) as { lags: number[]; ns: number[] },
  );
  const bare = await measure(
    "bare",
    async (i) => void (await (await fetch(`${dev.url}/_bench/raw/send/${key(i)}?n=${i}`, { method: "POST", headers })).arrayBuffer()),
    async (k) => (await (await fetch(`${dev.url}/_bench/raw/result/${k}`, { headers })).json()) as { lags: number[]; ns: number[] },
  );
  console.log(`events: ${total} events over ${KEYS} subscriber objects, publish concurrency ${concurrency}`);
  for (const r of [ours, bare]) {
    console.log(`  ${r.name === "ours" ? "ours (outbox → Queue → exactly-once)" : "bare Queue send → consumer"}: ${fmt(r.rate, 0)} events/s, publish-to-effect p50 ${fmt(r.lag.p50, 0)} ms, p99 ${fmt(r.lag.p99, 0)} ms, lost ${r.lost}, duplicates ${r.duplicates}`);
  }
  printRatio("events throughput", ours.rate, bare.rate, "events/s");
  printRatio("events publish-to-effect p50", ours.lag.p50, bare.lag.p50, "ms");
}

import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { cpuNs, findUserWorkerd } from "./realtime-workerd.ts";
import { fmt, printRatio, summarize, timed } from "./stats.ts";

const KEYS = 64;

interface Round {
  readonly rate: number;
  readonly cpuUsPerEvent: number;
  readonly lags: number[];
  readonly lost: number;
  readonly duplicates: number;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const spread = (xs: readonly number[], digits = 0) => `${fmt(median(xs), digits)} (${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)})`;

/**
 * Events through our path (POST /v1/events → EventBus outbox → relay → Queue → consumer →
 * exactly-once PingLog subscriber → acknowledgement back to the owner) against a bare Queue `send` →
 * consumer → one SQLite insert, behind the same Worker, spread over 64 subscriber objects, clients
 * connected straight to the user workerd (no wrangler proxy), rounds alternated. Per round:
 * throughput (first publish → last effect), the user workerd's on-CPU time per event (schedstat),
 * publish-to-effect latency (the subscriber's clock minus the publisher's), loss and duplicates
 * counted at the subscribers.
 */
export async function benchEvents(dev: WranglerDev, rounds = 3, perRound = 2_000, concurrency = 16): Promise<void> {
  const workerd = await findUserWorkerd(dev);
  const headers = { Authorization: `Bearer ${dev.adminToken}`, "content-type": "application/json" };
  const run = `${Date.now()}`;
  const measure = async (round: string, publish: (key: string, i: number) => Promise<void>, collect: (key: string) => Promise<{ lags: number[]; ns: number[] }>): Promise<Round> => {
    const key = (i: number) => `bench-ev-${run}-${round}-${i % KEYS}`;
    const cpu = cpuNs(workerd.pid);
    const started = performance.now();
    await timed(perRound, concurrency, (i) => publish(key(i), i));
    let results: { lags: number[]; ns: number[] }[] = [];
    for (let received = 0; received < perRound && performance.now() - started < 600_000; ) {
      await new Promise((r) => setTimeout(r, 1_000));
      results = await Promise.all(Array.from({ length: KEYS }, (_, i) => collect(key(i))));
      received = results.reduce((sum, r) => sum + r.ns.length, 0);
    }
    const seconds = (performance.now() - started) / 1000;
    const ns = results.flatMap((r) => r.ns);
    const unique = new Set(ns).size;
    return { rate: ns.length / seconds, cpuUsPerEvent: (cpuNs(workerd.pid) - cpu) / perRound / 1000, lags: results.flatMap((r) => r.lags), lost: perRound - unique, duplicates: ns.length - unique };
  };
  const ours: Round[] = [];
  const bare: Round[] = [];
  for (let r = 0; r < rounds; r++) {
    ours.push(await measure(`o${r}`,
      async (key, i) => {
        const res = await fetch(`${workerd.url}/v1/events`, { method: "POST", headers, body: JSON.stringify({ type: "demo.ping", partitionKey: key, payload: { n: i, sentAt: Date.now() } }) });
        await res.arrayBuffer();
        if (res.status !== 202) throw new Error(`publish answered ${res.status}`);
      },
      async (key) => (await (await fetch(`${workerd.url}/v1/entities/PingLog/${key}/get`, { method: "POST", headers, body: "{}" })).json()) as { lags: number[]; ns: number[] },
    ));
    bare.push(await measure(`b${r}`,
      async (key, i) => void (await (await fetch(`${workerd.url}/_bench/raw/send/${key}?n=${i}`, { method: "POST", headers })).arrayBuffer()),
      async (key) => (await (await fetch(`${workerd.url}/_bench/raw/result/${key}`, { headers })).json()) as { lags: number[]; ns: number[] },
    ));
  }
  console.log(`events: ${rounds} rounds × ${perRound} events over ${KEYS} subscriber objects, publish concurrency ${concurrency}, straight to the user workerd (pid ${workerd.pid}), rounds alternated`);
  for (const [name, side] of [["ours (outbox → Queue → exactly-once, acknowledged)", ours], ["bare Queue send → consumer → insert", bare]] as const) {
    const lag = summarize(side.flatMap((r) => r.lags));
    console.log(`  ${name}: ${spread(side.map((r) => r.rate))} events/s, CPU ${spread(side.map((r) => r.cpuUsPerEvent))} µs/event, publish-to-effect p50 ${fmt(lag.p50, 0)} ms, p99 ${fmt(lag.p99, 0)} ms, lost ${side.reduce((s, r) => s + r.lost, 0)}, duplicates ${side.reduce((s, r) => s + r.duplicates, 0)}`);
  }
  printRatio("events throughput (median of rounds)", median(ours.map((r) => r.rate)), median(bare.map((r) => r.rate)), "events/s");
  printRatio("events CPU per event (median of rounds)", median(ours.map((r) => r.cpuUsPerEvent)), median(bare.map((r) => r.cpuUsPerEvent)), "µs");
  printRatio("events publish-to-effect p50", summarize(ours.flatMap((r) => r.lags)).p50, summarize(bare.flatMap((r) => r.lags)).p50, "ms");
}

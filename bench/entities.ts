import { shardOf } from "../src/shards/shard-hash.ts";
import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { fmt, printRatio, summarize, timed } from "./stats.ts";

/** `Account`'s declared shard count (src/app/account.ts): the baseline uses the same object spread. */
const ACCOUNT_SHARDS = 64;

/**
 * Request/reply entity messages with dedup on (every message has an Idempotency-Key), through the
 * Worker, the router and the shard's mailbox, against a bare Durable Object RPC doing the same
 * SQLite writes behind the same Worker. The message is `Account.deposit`, which emits no event, so
 * ours writes exactly what the baseline writes (state row + dedup row; no outbox, no Queue).
 * Rounds alternate so both see the same machine load.
 */
export async function benchEntities(dev: WranglerDev, perRound = 1000, rounds = 3, concurrency = 16): Promise<void> {
  const auth = { Authorization: `Bearer ${dev.adminToken}`, "content-type": "application/json" };
  const keys = Array.from({ length: 256 }, (_, i) => `bench-${i}`);
  const post = async (url: string, id: string) => {
    const res = await fetch(url, { method: "POST", headers: { ...auth, "idempotency-key": id }, body: '{"amount":1}' });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  };
  const ours = (i: number) => post(`${dev.url}/v1/entities/Account/${keys[i % keys.length]}/deposit`, `o-${i}-${Math.random()}`);
  const bare = (i: number) => {
    const key = keys[i % keys.length] ?? "k";
    return post(`${dev.url}/_bench/bare/${shardOf(key, ACCOUNT_SHARDS)}/${key}`, `b-${i}-${Math.random()}`);
  };
  await timed(300, concurrency, ours);
  await timed(300, concurrency, bare);
  const samples = { ours: [] as number[], bare: [] as number[] };
  const elapsed = { ours: 0, bare: 0 };
  for (let r = 0; r < rounds; r++) {
    for (const [name, task] of [["ours", ours], ["bare", bare]] as const) {
      const started = performance.now();
      samples[name].push(...(await timed(perRound, concurrency, task)));
      elapsed[name] += performance.now() - started;
    }
  }
  const rate = (name: "ours" | "bare") => (samples[name].length / elapsed[name]) * 1000;
  const [o, b] = [summarize(samples.ours), summarize(samples.bare)];
  console.log(`entities: ${o.n} Account.deposit messages each, concurrency ${concurrency}, 256 keys over ${ACCOUNT_SHARDS} shards, dedup on, no events`);
  console.log(`  ours: ${fmt(rate("ours"), 0)} msg/s, p50 ${fmt(o.p50)} ms, p99 ${fmt(o.p99)} ms`);
  console.log(`  bare DO RPC + same SQLite writes (dedup lookup, state upsert, dedup insert): ${fmt(rate("bare"), 0)} msg/s, p50 ${fmt(b.p50)} ms, p99 ${fmt(b.p99)} ms`);
  printRatio("entities throughput", rate("ours"), rate("bare"), "msg/s");
  printRatio("entities p50 latency", o.p50, b.p50, "ms");
  printRatio("entities p99 latency", o.p99, b.p99, "ms");
}

import { shardOf } from "../src/shards/shard-hash.ts";
import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { compare } from "./method.ts";
import { findUserWorkerd } from "./realtime-workerd.ts";
import { timed } from "./stats.ts";

/** `Account`'s declared shard count: the baseline uses the same object spread. */
const ACCOUNT_SHARDS = 64;

/**
 * Request/reply entity messages with dedup on (every message has an Idempotency-Key), through the
 * Worker, the router and the shard's mailbox, against a bare Durable Object RPC doing the same
 * SQLite writes behind the same Worker. The message is `Account.deposit`, which emits no event, so
 * ours writes exactly what the baseline writes (state row + dedup row; no outbox, no Queue).
 */
export async function benchEntities(dev: WranglerDev, perRound = 2000, rounds = 3, concurrency = 16): Promise<void> {
  const workerd = await findUserWorkerd(dev);
  const auth = { Authorization: `Bearer ${dev.adminToken}`, "content-type": "application/json" };
  const keys = Array.from({ length: 256 }, (_, i) => `bench-${i}`);
  const post = async (url: string, id: string) => {
    const res = await fetch(url, { method: "POST", headers: { ...auth, "idempotency-key": id }, body: '{"amount":1}' });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  };
  const key = (i: number) => keys[i % keys.length] ?? "k";
  const arm = (name: string, tag: string, url: (i: number) => string) => ({
    name,
    round: async (r: number) => {
      const n = r < 0 ? 300 : perRound;
      return { units: n, latenciesMs: await timed(n, concurrency, (i) => post(url(i), `${tag}-${r}-${i}-${Math.random()}`)) };
    },
  });
  await compare({
    bench: "entities",
    label: `entity request with dedup: Account.deposit, ${perRound} per round, concurrency ${concurrency}, 256 keys over ${ACCOUNT_SHARDS} shards`,
    unit: "message",
    pid: workerd.pid,
    rounds,
    ours: arm("ours (router, shard mailbox, dedup)", "o", (i) => `${workerd.url}/v1/entities/Account/${key(i)}/deposit`),
    baseline: arm("bare DO RPC, same SQLite writes", "b", (i) => `${workerd.url}/_bench/bare/${shardOf(key(i), ACCOUNT_SHARDS)}/${key(i)}`),
  });
}

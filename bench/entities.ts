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
export async function benchEntities(dev: WranglerDev, perRound = 2000, rounds = 5, concurrency = 16): Promise<void> {
  const workerd = await findUserWorkerd(dev);
  const auth = { Authorization: `Bearer ${dev.adminToken}`, "content-type": "application/json" };
  const keys = Array.from({ length: 256 }, (_, i) => `bench-${i}`);
  const post = async (url: string, id: string, extra: Record<string, string> = {}, status = 200) => {
    const res = await fetch(url, { method: "POST", headers: { ...auth, "idempotency-key": id, ...extra }, body: '{"amount":1}' });
    await res.arrayBuffer();
    if (res.status !== status) throw new Error(`${url} answered ${res.status}`);
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

  await benchNotify(workerd, auth, post, perRound, rounds, concurrency);
}

/**
 * Notifies (`Prefer: respond-async`, 202 once stored in the shard's inbox, applied after) against
 * a hand-rolled equivalent: a bare DO RPC that stores the message in an inbox table and sets an
 * alarm, whose handler applies the rows as the request baseline does and deletes them. A round
 * ends when every message of it has been applied (each round's 64 keys are fresh, so the sum of
 * their balances counts them); the latency is the 202.
 */
async function benchNotify(workerd: { url: string; pid: number }, auth: Record<string, string>, post: (url: string, id: string, extra: Record<string, string>, status: number) => Promise<void>, perRound: number, rounds: number, concurrency: number): Promise<void> {
  const KEYS = 64;
  const run = crypto.randomUUID().slice(0, 6);
  const balanceOf = async (url: string) => ((await (await fetch(url, { method: "POST", headers: auth, body: "{}" })).json()) as { balance: number }).balance;
  const arm = (name: string, tag: string, send: (key: string) => string, read: (key: string) => string) => ({
    name,
    round: async (r: number) => {
      const n = r < 0 ? 300 : perRound;
      const key = (i: number) => `bench-n-${run}-${tag}${r}-${i % KEYS}`;
      const latenciesMs = await timed(n, concurrency, (i) => post(send(key(i)), `${tag}-${r}-${i}`, { prefer: "respond-async" }, 202));
      for (let applied = 0, started = performance.now(); applied < n; ) {
        if (performance.now() - started > 120_000) throw new Error(`${name}: ${applied} of ${n} notifies applied after 2 min`);
        await new Promise((done) => setTimeout(done, 250));
        applied = (await Promise.all(Array.from({ length: KEYS }, (_, i) => balanceOf(read(key(i)))))).reduce((a, b) => a + b, 0);
      }
      return { units: n, latenciesMs };
    },
  });
  const bare = (key: string) => `${workerd.url}/_bench/bare/${shardOf(key, ACCOUNT_SHARDS)}/${key}`;
  await compare({
    bench: "entities",
    label: `entity notify with dedup: Account.deposit with Prefer: respond-async, ${perRound} per round over ${KEYS} keys, concurrency ${concurrency}, until all applied`,
    unit: "message",
    pid: workerd.pid,
    rounds,
    ours: arm("ours (stored in the shard's inbox, applied by the mailbox)", "o", (k) => `${workerd.url}/v1/entities/Account/${k}/deposit`, (k) => `${workerd.url}/v1/entities/Account/${k}/balance`),
    baseline: arm("bare DO RPC: an inbox row and an alarm that applies it", "b", (k) => `${bare(k)}/notify`, (k) => `${bare(k)}/balance`),
  });
}

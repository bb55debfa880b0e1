import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { compare } from "./method.ts";
import { findUserWorkerd } from "./realtime-workerd.ts";
import { timed } from "./stats.ts";

const PAIRS = 50;

/**
 * `transfer` sagas (POST /v1/sagas/transfer: withdraw, then deposit, each a durable Workflow step
 * with its saga-log writes) against the same two entity messages sent directly through the same
 * Worker, on the common method (bench/method.ts). Each round transfers 1 from 50 funded accounts to
 * 50 fresh ones and ends when the fresh accounts hold every transfer (their balances, read every
 * 0.5 s, count them); a saga's latency is its send to its record's `finishedAt`.
 */
export async function benchSagas(dev: WranglerDev, perRound = 100, rounds = 3, concurrency = 16): Promise<void> {
  const workerd = await findUserWorkerd(dev);
  const auth = { Authorization: `Bearer ${dev.adminToken}`, "content-type": "application/json" };
  const post = async (path: string, body: unknown, extra: Record<string, string> = {}): Promise<Response> => {
    const res = await fetch(`${workerd.url}${path}`, { method: "POST", headers: { ...auth, ...extra }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return res;
  };
  const run = crypto.randomUUID().slice(0, 6);
  const from = (side: string, i: number) => `bs-${run}-${side}-a${i % PAIRS}`;
  const to = (side: string, r: number, i: number) => `bs-${run}-${side}${r}-b${i % PAIRS}`;
  for (const side of ["s", "d"]) await timed(PAIRS, concurrency, async (i) => void (await (await post(`/v1/entities/Account/${from(side, i)}/deposit`, { amount: 1_000_000 })).arrayBuffer()));
  const received = async (side: string, r: number) => {
    const balances = await Promise.all(Array.from({ length: PAIRS }, async (_, i) => ((await (await post(`/v1/entities/Account/${to(side, r, i)}/balance`, {})).json()) as { balance: number }).balance));
    return balances.reduce((a, b) => a + b, 0);
  };
  await compare({
    bench: "sagas",
    label: `transfer saga: ${perRound} per round over ${PAIRS} account pairs, concurrency ${concurrency}, until every transfer arrived`,
    unit: "transfer",
    pid: workerd.pid,
    rounds,
    ours: {
      name: "ours (POST /v1/sagas/transfer: a Workflow with its saga log)",
      round: async (r) => {
        const n = r < 0 ? 20 : perRound;
        const sentAt = new Map<string, number>();
        await timed(n, concurrency, async (i) => {
          const id = `bench-${run}-${r}-${i}`;
          sentAt.set(id, Date.now());
          await (await post("/v1/sagas/transfer", { input: { from: from("s", i), to: to("s", r, i), amount: 1, currency: "EUR" } }, { "idempotency-key": id })).arrayBuffer();
        });
        for (const started = performance.now(); (await received("s", r)) < n; ) {
          if (performance.now() - started > 300_000) throw new Error(`round ${r}: not every saga finished within 5 min`);
          await new Promise((done) => setTimeout(done, 500));
        }
        const latenciesMs = async () =>
          (await Promise.all([...sentAt].map(async ([id, at]) => {
            const { finishedAt } = (await (await fetch(`${workerd.url}/v1/sagas/transfer/${id}`, { headers: auth })).json()) as { finishedAt: number | null };
            return finishedAt === null ? null : finishedAt - at; // the transfer arrived; the record's end may be a moment behind
          }))).filter((ms): ms is number => ms !== null);
        return { units: n, latenciesMs };
      },
    },
    baseline: {
      name: "the same withdraw and deposit sent directly, one after the other",
      round: async (r) => {
        const n = r < 0 ? 20 : perRound;
        const latenciesMs = await timed(n, concurrency, async (i) => {
          await (await post(`/v1/entities/Account/${from("d", i)}/withdraw`, { amount: 1 }, { "idempotency-key": `d-${run}-${r}-${i}-w` })).arrayBuffer();
          await (await post(`/v1/entities/Account/${to("d", r, i)}/deposit`, { amount: 1 }, { "idempotency-key": `d-${run}-${r}-${i}-d` })).arrayBuffer();
        });
        if ((await received("d", r)) !== n) throw new Error(`round ${r}: the direct transfers did not all arrive`);
        return { units: n, latenciesMs };
      },
    },
  });
}

import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { fmt, printRatio, summarize, timed } from "./stats.ts";

interface Done { status: string; finishedAt: number | null }

/**
 * 500 `transfer` sagas (POST /v1/sagas/transfer, concurrency 16, 50 account pairs) against the
 * same two entity messages sent directly (POST withdraw, then deposit, through the same Worker).
 * A saga's duration is the client's send time to its record's `finishedAt` (one machine, one
 * clock); sagas/s is 500 / (last finish − first send). The ratio is the cost of durability: every
 * step is a Workflow step (persisted) plus its saga-log writes.
 */
export async function benchSagas(dev: WranglerDev, total = 500, concurrency = 16): Promise<void> {
  const auth = { Authorization: `Bearer ${dev.adminToken}`, "content-type": "application/json" };
  const post = async (path: string, body: unknown, extra: Record<string, string> = {}): Promise<Response> => {
    const res = await fetch(`${dev.url}${path}`, { method: "POST", headers: { ...auth, ...extra }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return res;
  };
  const run = crypto.randomUUID().slice(0, 6);
  const pairs = Array.from({ length: 50 }, (_, i) => [`bs-${run}-a${i}`, `bs-${run}-b${i}`] as const);
  await timed(pairs.length, concurrency, async (i) => void (await (await post(`/v1/entities/Account/${pairs[i]?.[0]}/deposit`, { amount: 1_000_000 })).arrayBuffer()));
  await timed(pairs.length, concurrency, async (i) => void (await (await post(`/v1/entities/Account/${pairs[i]?.[0]}x/deposit`, { amount: 1_000_000 })).arrayBuffer()));

  // Ours: sagas.
  const sentAt = new Map<string, number>();
  const first = Date.now();
  await timed(total, concurrency, async (i) => {
    const [from, to] = pairs[i % pairs.length] ?? ["", ""];
    const id = `bench-${run}-${i}`;
    sentAt.set(id, Date.now());
    await (await post("/v1/sagas/transfer", { input: { from, to, amount: 1, currency: "EUR" } }, { "idempotency-key": id })).arrayBuffer();
  });
  const done = new Map<string, number>();
  const deadline = Date.now() + 300_000;
  while (done.size < total && Date.now() < deadline) {
    const pending = [...sentAt.keys()].filter((id) => !done.has(id));
    await timed(pending.length, concurrency, async (i) => {
      const id = pending[i] ?? "";
      const rec = (await (await fetch(`${dev.url}/v1/sagas/transfer/${id}`, { headers: auth })).json()) as Done;
      if (rec.status === "completed" && rec.finishedAt !== null) done.set(id, rec.finishedAt);
    });
    if (done.size < total) await new Promise((r) => setTimeout(r, 250));
  }
  const durations = [...done].map(([id, at]) => at - (sentAt.get(id) ?? Number.NaN));
  const oursRate = (done.size / (Math.max(...done.values()) - first)) * 1000;

  // Baseline: the same two messages, sent directly.
  const baseFirst = Date.now();
  const direct = await timed(total, concurrency, async (i) => {
    const [from, to] = pairs[i % pairs.length] ?? ["", ""];
    await (await post(`/v1/entities/Account/${from}x/withdraw`, { amount: 1 }, { "idempotency-key": `d-${run}-${i}-w` })).arrayBuffer();
    await (await post(`/v1/entities/Account/${to}x/deposit`, { amount: 1 }, { "idempotency-key": `d-${run}-${i}-d` })).arrayBuffer();
  });
  const baseRate = (total / (Date.now() - baseFirst)) * 1000;

  const [o, b] = [summarize(durations), summarize(direct)];
  console.log(`ours:     ${done.size}/${total} transfer sagas completed, ${fmt(oursRate)} sagas/s, duration p50 ${fmt(o.p50)} ms, p99 ${fmt(o.p99)} ms, max ${fmt(o.max)} ms`);
  console.log(`baseline: ${total} direct withdraw+deposit pairs, ${fmt(baseRate)} transfers/s, duration p50 ${fmt(b.p50)} ms, p99 ${fmt(b.p99)} ms, max ${fmt(b.max)} ms`);
  printRatio("throughput", oursRate, baseRate, "per s");
  printRatio("p50 duration", o.p50, b.p50, "ms");
  printRatio("p99 duration", o.p99, b.p99, "ms");
}

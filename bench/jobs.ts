import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { fmt, printRatio, summarize, timed } from "./stats.ts";

/** Job shards (src/jobs/job-id.ts); the baseline spreads its work over as many polling objects. */
const SHARDS = 16;

interface Started { id: string; startedAt: number | null; finishedAt: number | null }

/**
 * Submit-to-start latency and completion rate of 1,000 `demo.echo` jobs (POST /v1/jobs, no key:
 * spread over the 16 job shards, started in the submit request), against a baseline that stores
 * the same work in a SQLite table and claims it by polling once per second (16 polling objects),
 * behind the same Worker. Latency is the client's send time to the row's claim time (one machine,
 * one clock); the rate is jobs / (last finish − first send).
 */
export async function benchJobs(dev: WranglerDev, total = 1000, concurrency = 16): Promise<void> {
  const auth = { Authorization: `Bearer ${dev.adminToken}`, "content-type": "application/json" };
  const sentAt = new Map<string, number>();
  const post = async (url: string, body: unknown): Promise<Response> => {
    const res = await fetch(url, { method: "POST", headers: auth, body: JSON.stringify(body) });
    if (res.status !== 202) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    return res;
  };

  // Ours.
  const oursIds: string[] = [];
  const oursFirst = Date.now();
  await timed(total, concurrency, async (i) => {
    const sent = Date.now();
    const { id } = await (await post(`${dev.url}/v1/jobs`, { type: "demo.echo", input: { message: `bench-${i}` } })).json() as { id: string };
    sentAt.set(id, sent);
    oursIds.push(id);
  });
  const ours = await waitFor(total, async () => {
    const seen: Started[] = [];
    await timed(oursIds.length, concurrency, async (i) => {
      const res = await fetch(`${dev.url}/v1/jobs/${oursIds[i]}`, { headers: auth });
      const job = await res.json() as { id: string; status: string; startedAt: string | null; finishedAt: string | null };
      if (job.status === "completed") seen.push({ id: job.id, startedAt: Date.parse(job.startedAt ?? ""), finishedAt: Date.parse(job.finishedAt ?? "") });
    });
    return seen;
  });

  // The polling baseline.
  const baseFirst = Date.now();
  await timed(total, concurrency, async (i) => {
    const id = `poll-${i}-${crypto.randomUUID()}`;
    sentAt.set(id, Date.now());
    await (await post(`${dev.url}/_bench/poll/submit/${i % SHARDS}`, { id, message: `bench-${i}` })).arrayBuffer();
  });
  const base = await waitFor(total, async () => {
    const all = await Promise.all(Array.from({ length: SHARDS }, async (_, s) => (await fetch(`${dev.url}/_bench/poll/result/${s}`, { headers: auth })).json() as Promise<Started[]>));
    return all.flat().filter((r) => r.finishedAt !== null);
  });
  await Promise.all(Array.from({ length: SHARDS }, async (_, s) => (await fetch(`${dev.url}/_bench/poll/stop/${s}`, { method: "POST", headers: auth })).arrayBuffer()));

  const latency = (rows: Started[]) => summarize(rows.map((r) => (r.startedAt ?? Number.NaN) - (sentAt.get(r.id) ?? Number.NaN)));
  const rate = (rows: Started[], first: number) => (rows.length / (Math.max(...rows.map((r) => r.finishedAt ?? 0)) - first)) * 1000;
  const [o, b] = [latency(ours), latency(base)];
  console.log(`ours:     ${ours.length} jobs, submit-to-start p50 ${fmt(o.p50)} ms, p99 ${fmt(o.p99)} ms, max ${fmt(o.max)} ms; ${fmt(rate(ours, oursFirst))} jobs/s completed`);
  console.log(`baseline: ${base.length} jobs, submit-to-start p50 ${fmt(b.p50)} ms, p99 ${fmt(b.p99)} ms, max ${fmt(b.max)} ms; ${fmt(rate(base, baseFirst))} jobs/s completed (SQLite table polled every 1 s)`);
  printRatio("jobs submit-to-start p50", o.p50, b.p50, "ms");
  printRatio("jobs submit-to-start p99", o.p99, b.p99, "ms");
  printRatio("jobs completed per second", rate(ours, oursFirst), rate(base, baseFirst), "jobs/s");
}

/** Polls the result (of the benchmark, not of the system under test) until every job finished, at most 60 s. */
async function waitFor(total: number, read: () => Promise<Started[]>): Promise<Started[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rows = await read();
    if (rows.length >= total || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 250));
  }
}

import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { compare } from "./method.ts";
import { findUserWorkerd } from "./realtime-workerd.ts";
import { timed } from "./stats.ts";

/** Job shards (src/jobs/job-id.ts); the baseline spreads its work over as many polling objects. */
const SHARDS = 16;

interface Started { id: string; startedAt: number | null; finishedAt: number | null }

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `demo.echo` jobs (POST /v1/jobs, no key: spread over the 16 job shards, started in the submit
 * request) against a baseline that stores the same work in a SQLite table and claims it by polling
 * once per second (16 polling objects), behind the same Worker, on the common method. A round ends
 * when every job of it has finished; latency is submit-to-start (the client's send time to the
 * row's claim time, one machine, one clock), read back after the round's CPU is taken.
 */
export async function benchJobs(dev: WranglerDev, perRound = 1000, rounds = 3, concurrency = 16): Promise<void> {
  const workerd = await findUserWorkerd(dev);
  const auth = { Authorization: `Bearer ${dev.adminToken}`, "content-type": "application/json" };
  const post = async (url: string, body: unknown): Promise<Response> => {
    const res = await fetch(url, { method: "POST", headers: auth, body: JSON.stringify(body) });
    if (res.status !== 202) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    return res;
  };
  const get = async <T>(path: string) => (await (await fetch(`${workerd.url}${path}`, { headers: auth })).json()) as T;
  const latencies = (rows: Started[], sentAt: Map<string, number>) => rows.map((r) => (r.startedAt ?? Number.NaN) - (sentAt.get(r.id) ?? Number.NaN));
  /** Submits `n` jobs with `send` (which answers the job's id); returns each id's send time. */
  const submitAll = async (n: number, send: (i: number) => Promise<string>) => {
    const sentAt = new Map<string, number>();
    await timed(n, concurrency, async (i) => {
      const sent = Date.now();
      sentAt.set(await send(i), sent);
    });
    return sentAt;
  };

  const ours = {
    name: "ours (job shards, started in the submit)",
    round: async (r: number) => {
      const n = r < 0 ? 100 : perRound;
      const sentAt = await submitAll(n, async (i) => ((await (await post(`${workerd.url}/v1/jobs`, { type: "demo.echo", input: { message: `bench-${r}-${i}` } })).json()) as { id: string }).id);
      // Done when no demo.echo job is pending or running (earlier rounds' jobs are all completed).
      const waiting = async () => (await Promise.all(["pending", "running"].map((s) => get<{ items: unknown[] }>(`/v1/jobs?type=demo.echo&status=${s}&limit=1`)))).some((p) => p.items.length > 0);
      for (const deadline = Date.now() + 120_000; (await waiting()) && Date.now() < deadline; ) await pause(100);
      return {
        units: n,
        latenciesMs: async () => {
          const rows = await Promise.all([...sentAt.keys()].map(async (id) => {
            const job = await get<{ id: string; startedAt: string | null; finishedAt: string | null }>(`/v1/jobs/${id}`);
            return { id: job.id, startedAt: Date.parse(job.startedAt ?? ""), finishedAt: Date.parse(job.finishedAt ?? "") };
          }));
          return latencies(rows, sentAt);
        },
      };
    },
  };
  const polling = {
    name: "SQLite table polled every 1 s (16 objects)",
    round: async (r: number) => {
      const n = r < 0 ? 100 : perRound;
      const sentAt = await submitAll(n, async (i) => {
        const id = `poll-${r}-${i}-${crypto.randomUUID()}`;
        await (await post(`${workerd.url}/_bench/poll/submit/${i % SHARDS}`, { id, message: `bench-${i}` })).arrayBuffer();
        return id;
      });
      let rows: Started[] = [];
      for (const deadline = Date.now() + 120_000; rows.length < n && Date.now() < deadline; await pause(100)) {
        rows = (await Promise.all(Array.from({ length: SHARDS }, (_, s) => get<Started[]>(`/_bench/poll/result/${s}`)))).flat().filter((row) => row.finishedAt !== null && sentAt.has(row.id));
      }
      return { units: n, latenciesMs: latencies(rows, sentAt) };
    },
  };
  await compare({ bench: "jobs", label: `jobs, submit to finish: demo.echo, ${perRound} per round, concurrency ${concurrency}, ${SHARDS} shards`, unit: "job", pid: workerd.pid, rounds, ours, baseline: polling });
  await Promise.all(Array.from({ length: SHARDS }, async (_, s) => (await fetch(`${workerd.url}/_bench/poll/stop/${s}`, { method: "POST", headers: auth })).arrayBuffer()));
}

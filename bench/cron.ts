import type { TaskView } from "../src/spec/singleton.ts";
import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { compare } from "./method.ts";
import { findUserWorkerd } from "./realtime-workerd.ts";
import { timed } from "./stats.ts";

/** Setting up a round's tasks takes 1–4 s on a busy 2-core machine; the first fires after this. */
const LEAD_MS = 6_000;
/** After the last instant, how long a round waits for late fires before it ends. */
const GRACE_MS = 4_000;

/**
 * One-shot scheduled actions on the common method (bench/method.ts): each round registers `perRound`
 * one-shot tasks in a fresh singleton (`PUT /v1/singletons/{s}/tasks/{id}`, each sending
 * `Counter.increment`), due over one second, and waits until they are past; against bare Durable
 * Object alarms (one object per instant, armed through the same Worker, recording when they fire)
 * at the same offsets. The unit is a scheduled action, registered and fired; the latency is its
 * jitter (start minus the scheduled instant). Exactly-once firing is the integration tests' to prove.
 */
export async function benchCron(dev: WranglerDev, perRound = 100, rounds = 3): Promise<void> {
  const workerd = await findUserWorkerd(dev);
  const headers = { Authorization: `Bearer ${dev.adminToken}`, "content-type": "application/json" };
  const run = crypto.randomUUID().slice(0, 6);
  const missed = { ours: 0, bare: 0 };
  const arm = (side: "ours" | "bare", name: string, schedule: (id: string, i: number, at: number) => Promise<void>, jitter: (id: string, n: number) => Promise<(number | null)[]>) => ({
    name,
    round: async (r: number) => {
      const n = r < 0 ? 20 : perRound;
      const id = `bench-cron-${run}-${side}${r}`;
      const start = Date.now() + LEAD_MS;
      await timed(n, 16, (i) => schedule(id, i, start + (i * 1000) / n));
      if (Date.now() > start) throw new Error(`${name}: setting up took longer than ${LEAD_MS} ms`);
      await new Promise((done) => setTimeout(done, start + 1000 + GRACE_MS - Date.now()));
      const latenciesMs = async () => {
        const all = await jitter(id, n);
        if (r >= 0) missed[side] += all.filter((j) => j === null).length;
        return all.filter((j): j is number => j !== null);
      };
      return { units: n, latenciesMs };
    },
  });
  const ok = async (res: Promise<Response>, what: string) => {
    const done = await res;
    await done.arrayBuffer();
    if (!done.ok) throw new Error(`${what} answered ${done.status}`);
  };
  await compare({
    bench: "cron",
    label: `scheduled one-shot actions: ${perRound} per round due over one second, each registered then fired`,
    unit: "action",
    pid: workerd.pid,
    rounds,
    ours: arm("ours", "ours (one-shot tasks in one singleton, each an entity message)",
      (s, i, at) => ok(fetch(`${workerd.url}/v1/singletons/${s}/tasks/t${i}`, { method: "PUT", headers, body: JSON.stringify({ schedule: { at: new Date(at).toISOString() }, action: { type: "entity", entityType: "Counter", key: `${s}-${i}`, message: "increment", input: { by: 1 } } }) }), "PUT task"),
      async (s) => {
        const { tasks } = (await (await fetch(`${workerd.url}/v1/singletons/${s}/tasks`, { headers })).json()) as { tasks: TaskView[] };
        return tasks.map((t) => (t.lastRun?.startedAt ? Date.parse(t.lastRun.startedAt) - Date.parse(t.lastRun.scheduledAt) : null));
      }),
    baseline: arm("bare", "bare DO alarms, one object per instant",
      (s, i, at) => ok(fetch(`${workerd.url}/_bench/alarm/${s}-${i}/arm?at=${Math.round(at)}`, { headers }), "arm"),
      (s, n) => Promise.all(Array.from({ length: n }, async (_, i) => {
        const result = (await (await fetch(`${workerd.url}/_bench/alarm/${s}-${i}/result`, { headers })).json()) as { at: number; firedAt?: number };
        return result.firedAt === undefined ? null : result.firedAt - result.at;
      }))),
  });
  console.log(`  not fired when their round ended: ours ${missed.ours}, bare ${missed.bare}`);
}

import type { TaskRun, TaskView } from "../src/spec/singleton.ts";
import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { fmt, printRatio, summarize, timed } from "./stats.ts";

/**
 * Fire jitter (actual start minus scheduled time) of tasks in one singleton, against bare
 * Durable Object alarms (one object per instant) set to the same instants in the same run:
 * 100 tasks due at the same second, and 1,000 one-shot tasks spread over 10 s. Each task
 * increments a counter. The counter cannot show a double fire (the tick id is the message id, so
 * dedup absorbs a second delivery); duplicates are counted from the run history instead: a
 * one-shot task with more than one run row, or a run whose action was started more than once.
 */
export async function benchCron(dev: WranglerDev): Promise<void> {
  const headers = { Authorization: `Bearer ${dev.adminToken}`, "content-type": "application/json" };
  const singleton = `bench-cron-${Date.now()}`;
  const start = Date.now() + 60_000; // setting up 1,100 tasks and alarms takes 10–40 s on a busy 2-core machine
  const instants = [...Array.from({ length: 100 }, () => start), ...Array.from({ length: 1000 }, (_, i) => start + 2_000 + i * 10)];
  await timed(instants.length, 16, async (i) => {
    const at = instants[i] ?? start;
    const body = { schedule: { at: new Date(at).toISOString() }, action: { type: "entity", entityType: "Counter", key: `${singleton}-${i}`, message: "increment", input: { by: 1 } } };
    const [put, arm] = await Promise.all([
      fetch(`${dev.url}/v1/singletons/${singleton}/tasks/t${i}`, { method: "PUT", headers, body: JSON.stringify(body) }),
      fetch(`${dev.url}/_bench/alarm/${singleton}-${i}/arm?at=${at}`, { headers }),
    ]);
    await Promise.all([put.arrayBuffer(), arm.arrayBuffer()]);
    if (put.status !== 201 || !arm.ok) throw new Error(`setup failed: ${put.status} ${arm.status}`);
  });
  if (Date.now() > start) throw new Error("setup took longer than the lead time; raise it");
  await new Promise((r) => setTimeout(r, start + 12_000 + 5_000 - Date.now()));
  const { tasks } = (await (await fetch(`${dev.url}/v1/singletons/${singleton}/tasks`, { headers })).json()) as { tasks: TaskView[] };
  const ours = tasks.map((t) => (t.lastRun?.startedAt ? Date.parse(t.lastRun.startedAt) - Date.parse(t.lastRun.scheduledAt) : Number.NaN));
  const bare: number[] = [];
  let bareDuplicates = 0;
  await timed(instants.length, 16, async (i) => {
    const r = (await (await fetch(`${dev.url}/_bench/alarm/${singleton}-${i}/result`, { headers })).json()) as { at: number; firedAt?: number; fired: number };
    bare.push(r.firedAt === undefined ? Number.NaN : r.firedAt - r.at);
    bareDuplicates += Math.max(0, r.fired - 1);
  });
  let counted = 0;
  let duplicates = 0;
  await timed(instants.length, 16, async (i) => {
    const [res, history] = await Promise.all([
      fetch(`${dev.url}/v1/entities/Counter/${singleton}-${i}/get`, { method: "POST", headers, body: "{}" }),
      fetch(`${dev.url}/v1/singletons/${singleton}/tasks/t${i}/runs`, { headers }),
    ]);
    const { value } = (await res.json()) as { value: number };
    const { runs } = (await history.json()) as { runs: TaskRun[] };
    counted += value;
    duplicates += Math.max(0, runs.length - 1) + runs.reduce((extra, run) => extra + Math.max(0, run.attempts - 1), 0);
  });
  const ran = ours.filter(Number.isFinite).length;
  const [o, b] = [summarize(ours.filter(Number.isFinite)), summarize(bare.filter(Number.isFinite))];
  console.log(`cron: ${instants.length} one-shot tasks in one singleton (100 at one second, 1,000 over 10 s) vs ${instants.length} bare DO alarms at the same instants`);
  console.log(`  ours: ran ${ran}/${instants.length}, jitter p50 ${fmt(o.p50, 0)} ms, p99 ${fmt(o.p99, 0)} ms, max ${fmt(o.max, 0)} ms, applied ${counted}, duplicates ${duplicates}`);
  console.log(`  bare alarms: fired ${b.n}/${instants.length}, jitter p50 ${fmt(b.p50, 0)} ms, p99 ${fmt(b.p99, 0)} ms, max ${fmt(b.max, 0)} ms, duplicates ${bareDuplicates}`);
  printRatio("cron jitter p50", o.p50, b.p50, "ms");
  printRatio("cron jitter p99", o.p99, b.p99, "ms");
}

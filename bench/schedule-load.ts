import { MAX_TICKS_PER_SECOND } from "../src/singleton/budget.ts";
import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { cpuNs, findUserWorkerd } from "./realtime-workerd.ts";
import { fmt, printRatio, summarize } from "./stats.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `/livez` latency under the heaviest schedule one singleton may hold: `MAX_TICKS_PER_SECOND`
 * tasks every second, each an entity message, against the same probe on the idle Worker, in
 * alternating windows (idle, loaded, idle, loaded…), straight to the user workerd. Also prints the
 * ticks that ran per second and the user workerd's CPU share while loaded.
 */
export async function benchScheduleLoad(dev: WranglerDev, windows = 4, windowMs = 15_000): Promise<void> {
  const workerd = await findUserWorkerd(dev);
  const headers = { Authorization: `Bearer ${dev.adminToken}`, "content-type": "application/json" };
  const singleton = `bench-load-${Date.now()}`;
  const ids = Array.from({ length: MAX_TICKS_PER_SECOND }, (_, i) => `t${i}`);
  const setPaused = async (paused: boolean) => {
    for (const id of ids) {
      const body = { schedule: { every: "1s" }, paused, action: { type: "entity", entityType: "Counter", key: `${singleton}-${id}`, message: "increment", input: { by: 1 } } };
      const res = await fetch(`${workerd.url}/v1/singletons/${singleton}/tasks/${id}`, { method: "PUT", headers, body: JSON.stringify(body) });
      await res.arrayBuffer();
      if (res.status >= 300) throw new Error(`PUT answered ${res.status}`);
    }
  };
  /** Ticks applied so far, from the counters of every tenth task (each tick increments its task's counter once). */
  const runsOf = async () => {
    let n = 0;
    for (const id of ids.filter((_, k) => k % 10 === 0)) n += ((await (await fetch(`${workerd.url}/v1/entities/Counter/${singleton}-${id}/get`, { method: "POST", headers, body: "{}" })).json()) as { value: number }).value;
    return n * 10;
  };
  const probe = async (ms: number) => {
    const lat: number[] = [];
    const cpu = cpuNs(workerd.pid);
    const until = performance.now() + ms;
    while (performance.now() < until) {
      const t = performance.now();
      await (await fetch(`${workerd.url}/livez`)).arrayBuffer();
      lat.push(performance.now() - t);
      await sleep(50);
    }
    return { lat, cpuShare: (cpuNs(workerd.pid) - cpu) / 1e6 / ms };
  };
  await setPaused(true);
  const idle: number[] = [];
  const loaded: number[] = [];
  const shares: number[] = [];
  let ticks = 0;
  let loadedMs = 0;
  for (let w = 0; w < windows; w++) {
    idle.push(...(await probe(windowMs)).lat);
    await setPaused(false);
    await sleep(3_000); // the first ticks come a second after the resume
    const before = await runsOf();
    const started = performance.now();
    const { lat, cpuShare } = await probe(windowMs);
    ticks += (await runsOf()) - before;
    loadedMs += performance.now() - started;
    loaded.push(...lat);
    shares.push(cpuShare);
    await setPaused(true);
    await sleep(3_000);
  }
  const [l, i] = [summarize(loaded), summarize(idle)];
  console.log(`schedule load: ${MAX_TICKS_PER_SECOND} tasks every 1 s in one singleton (the budget), each an entity message; /livez probed every 50 ms straight to the user workerd, ${windows} loaded windows of ${windowMs / 1000} s alternating with idle ones`);
  console.log(`  loaded: /livez p50 ${fmt(l.p50, 1)} ms, p99 ${fmt(l.p99, 1)} ms (n=${l.n}); ticks ran ${fmt(ticks / (loadedMs / 1000), 1)}/s of ${MAX_TICKS_PER_SECOND} scheduled; user workerd CPU ${fmt(100 * (shares.reduce((a, b) => a + b, 0) / shares.length), 0)} % of one core`);
  console.log(`  idle: /livez p50 ${fmt(i.p50, 1)} ms, p99 ${fmt(i.p99, 1)} ms (n=${i.n})`);
  printRatio("/livez p50 under the maximum schedule", l.p50, i.p50, "ms");
  printRatio("/livez p99 under the maximum schedule", l.p99, i.p99, "ms");
}

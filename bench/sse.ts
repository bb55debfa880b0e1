import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { terminateAllSockets } from "./realtime-sockets.ts";
import { connectOurs, mintTokens, type Target } from "./realtime-variants.ts";
import { findUserWorkerd, isRunning, rssKib } from "./realtime-workerd.ts";
import { SsePool } from "./sse-clients.ts";
import { compare } from "./method.ts";
import { fmt, printRatio } from "./stats.ts";

const CLIENTS = 1_000;
const ROUNDS = 6;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
let markers = 0;
const nextMarker = () => `sse-mk-${++markers}`;

interface Side {
  readonly name: "SSE" | "WS";
  readonly size: number;
  /** One publish carrying `marker`; resolves with the server's `delivered`. */
  publish(marker: string): Promise<unknown>;
  expect(marker: string, count: number): Promise<{ received: number; lastAt: number }>;
  /** Why the run cannot be trusted any more (a stream ended, a socket closed), or undefined. */
  broken(): string | undefined;
}

async function publish(target: Target, topic: string, marker: string): Promise<unknown> {
  const res = await fetch(`${target.url}/v1/topics/${topic}/messages`, { method: "POST", headers: { Authorization: `Bearer ${target.adminToken}`, "content-type": "application/json" }, body: JSON.stringify({ data: { m: marker } }) });
  const body = (await res.json()) as { delivered?: unknown };
  if (!res.ok) throw new Error(`publish answered ${res.status}: ${JSON.stringify(body)}`);
  return body.delivered;
}

/** Connects `connect()` and returns it with workerd's RSS growth per 1,000 clients (MiB). */
async function measured<T extends { size: number }>(pid: number, what: string, connect: () => Promise<T>): Promise<{ side: T; mibPer1000: number }> {
  const before = rssKib(pid);
  const started = performance.now();
  const side = await connect();
  await pause(1_000);
  const mibPer1000 = ((rssKib(pid) - before) / 1024 / Math.max(1, side.size)) * 1000;
  console.log(`  connected ${side.size} ${what} in ${fmt((performance.now() - started) / 1000, 1)} s; user workerd RSS +${fmt(mibPer1000, 1)} MiB per 1,000`);
  return { side, mibPer1000 };
}

/**
 * SSE fan-out on the common method (bench/method.ts): 1,000 SSE clients on one topic (`GET /v1/sse/topics/{topic}`, 1,000 distinct
 * users, so the streams spread over the G = 16 gateways by the token's user), one publish
 * (`POST /v1/topics/{topic}/messages`: G gateway calls), time from the request until the last
 * client has it; in the same run the same with 1,000 WebSocket clients (`/ws/:user` + subscribe,
 * 1,000 other users, also spread), rounds alternating SSE and WS after one warm-up each. Also the
 * user workerd's CPU per delivery and its RSS growth per 1,000 clients of each kind.
 *
 * Clients connect straight to the user workerd (found from wrangler's process group), as the
 * realtime benchmark does, not through wrangler's proxy: a reload of the user workerd (wrangler
 * restarts it whenever a watched source file changes) cuts every stream open at that moment
 * ("terminated") while later ones land on the new workerd, which is how a draft of this benchmark
 * saw only 400–640 of 1,000 streams get a publish. Ended streams and closed sockets are counted
 * and stop the run. Every stream counts as connected only once its `retry:` line arrived.
 */
export async function benchSse(dev: WranglerDev): Promise<void> {
  try {
    await run(dev);
  } finally {
    terminateAllSockets();
  }
}

async function run(dev: WranglerDev): Promise<void> {
  const workerd = await findUserWorkerd(dev);
  const target: Target = { url: workerd.url, adminToken: dev.adminToken };
  console.log(`user workerd pid ${workerd.pid} at ${workerd.url} (direct, not through wrangler's proxy); ${CLIENTS} clients per side, each its own user, spread over the 16 gateways`);
  const tag = crypto.randomUUID().slice(0, 6);
  const sseUsers = Array.from({ length: CLIENTS }, (_, i) => `sse-${tag}-${i}`);
  const wsUsers = Array.from({ length: CLIENTS }, (_, i) => `ws-${tag}-${i}`);
  const tokens = await mintTokens(target, [...sseUsers, ...wsUsers]);
  const [sseTopic, wsTopic] = [`bench-sse-${tag}`, `bench-ws-${tag}`];

  const sse = await measured(workerd.pid, "SSE streams", () => SsePool.connect(sseUsers.map(() => `${target.url}/v1/sse/topics/${sseTopic}`), sseUsers.map((u) => tokens.get(u) ?? "")));
  const ws = await measured(workerd.pid, "WebSocket clients", () => connectOurs(target, wsUsers, tokens, wsTopic).then((v) => ({ v, size: v.pool.size })));
  for (const [what, failures] of [["SSE", sse.side.failures], ["WS", ws.side.v.pool.failures]] as const) if (failures.length) console.log(`  ! ${what}: ${failures.length} clients FAILED to connect (first: ${failures[0]})`);
  const gone = () => (isRunning(workerd.pid) ? undefined : `the user workerd (pid ${workerd.pid}) went away: wrangler reloads it when a watched source file changes; run from a frozen copy`);
  const sides: Side[] = [
    { name: "SSE", size: sse.side.size, publish: (m) => publish(target, sseTopic, m), expect: (m, n) => sse.side.expect(m, n), broken: () => gone() ?? (sse.side.ended ? `${sse.side.ended} SSE streams ended: ${JSON.stringify(Object.fromEntries(sse.side.ends))}` : undefined) },
    { name: "WS", size: ws.side.size, publish: (m) => publish(target, wsTopic, m), expect: (m, n) => ws.side.v.pool.expect(m, n), broken: () => gone() ?? (ws.side.v.pool.unexpectedCloses ? `${ws.side.v.pool.unexpectedCloses} sockets closed: ${JSON.stringify(Object.fromEntries(ws.side.v.pool.closeCodes))}` : undefined) },
  ];

  const short: string[] = [];
  const arm = (side: Side, name: string) => ({
    name,
    round: async (r: number) => {
      const marker = nextMarker();
      const arrived = side.expect(marker, side.size);
      const started = performance.now();
      const [delivered, got] = await Promise.all([side.publish(marker), arrived]);
      const broken = side.broken();
      if (broken) throw new Error(`${side.name} round ${r}: ${broken}`);
      if (got.received < side.size) short.push(`${side.name} round ${r}: ${got.received}/${side.size} (delivered ${String(delivered)})`);
      return { units: got.received, latenciesMs: [got.lastAt - started] };
    },
  });
  const [sseSide, wsSide] = sides as [Side, Side];
  await compare({
    bench: "sse",
    label: `SSE vs WebSocket delivery: one topic publish to ${CLIENTS} clients (latency: publish request → the last client has it)`,
    unit: "delivery",
    pid: workerd.pid,
    rounds: ROUNDS,
    profileRounds: 20, // one publish is about 100 ms: too short to tell the collector's share per write
    ours: arm(sseSide, `SSE (GET /v1/sse/topics/{topic}, ${sse.side.size} streams)`),
    baseline: arm(wsSide, `WebSocket (/ws/:user + subscribe, ${ws.side.size} sockets)`),
  });
  if (short.length > 0) console.log(`  ! SHORT rounds: ${short.join("; ")}`);
  sse.side.close();
  await ws.side.v.pool.close();
  printRatio("user workerd RSS per 1,000 clients, SSE vs WebSocket", sse.mibPer1000, ws.mibPer1000, "MiB");
}

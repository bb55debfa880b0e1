import { shardOf } from "../src/shards/shard-hash.ts";
import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { blockPhase, interleavedPhase, type PhasePlan } from "./realtime-phases.ts";
import { terminateAllSockets } from "./realtime-sockets.ts";
import { mintTokens, type Target } from "./realtime-variants.ts";
import { findUserWorkerd, isRunning, openFileLimit, type UserWorkerd } from "./realtime-workerd.ts";
import { fmt } from "./stats.ts";

/** G: the default of GATEWAY_SHARDS, which bench/worker/wrangler.toml leaves unset. */
const GATEWAYS = 16;
/** The gateway every user of the "all in one gateway" variant hashes to. */
const ONE_GATEWAY = 5;
/** Stop by ourselves even if a step hangs; the harness then stops wrangler. */
const WATCHDOG_MS = 25 * 60_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Realtime fan-out against the platform limit and a peer library, in one `wrangler dev`:
 * (1) one broadcast to N = 1,000 and 5,000 sockets, time from the publish request until the last
 * socket has it, for ours (`POST /v1/topics/{topic}/messages`) with the sockets spread over the G
 * gateways and with all of them in one gateway; (2) a raw Durable Object looping `ws.send` over
 * `ctx.getWebSockets()`; (3) PartyServer's `broadcast()` with hibernation on; rounds interleave
 * the three. (4) Send-to-user latency (`POST /v1/users/{user}/messages` until the socket has it)
 * against a send to one tagged raw socket and one PartyServer connection. (5) workerd RSS per
 * 1,000 idle sockets. Besides wall time it reports the user workerd's CPU per delivered push
 * (its threads' on-CPU ns from /proc/<pid>/task/<tid>/schedstat across the rounds / deliveries),
 * which varies far less than wall time on a shared machine.
 *
 * Sockets and requests go straight to the user workerd (found from wrangler's process group),
 * not through wrangler's proxy (~4 fds per socket there, failing near 4,800 sockets). Direct, a
 * socket costs one fd in this process and two in workerd, which crashes (SIGTRAP) when it runs
 * out. With all variants connected at once (3·N sockets) the rounds interleave per broadcast;
 * when 3·N do not fit the limits (here 20,000 fds, hard limit too: ~9,500 sockets in workerd, so
 * N = 5,000), variants run one at a time in rotated blocks instead; a size over the limits is
 * skipped with a note. Where the hard limit allows, raise it to interleave N = 5,000 per round:
 * `bash -c 'ulimit -n 65536; npm run bench realtime'` (refused on this machine).
 * Clients are `ws` without permessage-deflate, connected 200 at a time.
 */
export async function benchRealtime(dev: WranglerDev, sizes: readonly number[] = [1_000, 5_000], samples = 500): Promise<void> {
  let watchdog: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => (watchdog = setTimeout(() => reject(new Error(`realtime bench exceeded ${WATCHDOG_MS / 60_000} min`)), WATCHDOG_MS)));
  try {
    await Promise.race([run(dev, sizes, samples), expired]);
  } finally {
    clearTimeout(watchdog);
    terminateAllSockets();
  }
}

/**
 * Runs `task` against the user workerd; when that workerd went away meanwhile (wrangler restarts
 * it, on a new port, whenever a watched source file changes, and others edit src/ on this
 * machine), drops our sockets, finds the new one and runs `task` again, at most four times.
 */
async function surviving<T>(dev: WranglerDev, state: { workerd: UserWorkerd }, what: string, task: (workerd: UserWorkerd) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task(state.workerd);
    } catch (err) {
      if (isRunning(state.workerd.pid) || attempt === 5) throw err;
      terminateAllSockets();
      console.log(`  ! the user workerd (pid ${state.workerd.pid}) went away during ${what} (wrangler reloads it when a watched source file changes; a crash shows in dmesg); ${what} starts again`);
      for (const deadline = Date.now() + 90_000; ; ) {
        await pause(1_000);
        const found = await findUserWorkerd(dev).catch(() => undefined);
        if (found && found.pid !== state.workerd.pid) {
          state.workerd = found;
          break;
        }
        if (Date.now() > deadline) throw new Error("no new user workerd within 90 s", { cause: err });
      }
    }
  }
}

/** workerd holds two file descriptors per accepted socket (measured here), this process one. */
const socketCapacity = (workerdPid: number) => Math.min(openFileLimit("self") - 512, Math.floor((openFileLimit(workerdPid) - 1_024) / 2));

async function run(dev: WranglerDev, sizes: readonly number[], samples: number): Promise<void> {
  const state = { workerd: await findUserWorkerd(dev) };
  const target = (w: UserWorkerd): Target => ({ url: w.url, adminToken: dev.adminToken });
  console.log(`user workerd pid ${state.workerd.pid} at ${state.workerd.url} (direct, not through wrangler's proxy); open-file limits: here ${openFileLimit("self")}, workerd ${openFileLimit(state.workerd.pid)}; G = ${GATEWAYS}`);
  const max = Math.max(...sizes);
  const spread = Array.from({ length: max }, (_, i) => `rt-s${i}`);
  const single: string[] = [];
  for (let j = 0; single.length < max; j++) if (shardOf(`rt-g${j}`, GATEWAYS) === ONE_GATEWAY) single.push(`rt-g${j}`);
  const started = performance.now();
  const tokens = await surviving(dev, state, "token minting", (w) => mintTokens(target(w), [...spread, ...single]));
  console.log(`minted ${tokens.size} user tokens in ${fmt((performance.now() - started) / 1000, 1)} s`);
  for (const [i, n] of sizes.entries()) {
    await surviving(dev, state, `N = ${n}`, async (w) => {
      const capacity = socketCapacity(w.pid);
      const plan: PhasePlan = { target: target(w), pid: w.pid, n, spread: spread.slice(0, n), single: single.slice(0, n), tokens, gateways: GATEWAYS, oneGateway: ONE_GATEWAY, rounds: n <= 1_000 ? 7 : 5, samples: i === 0 ? samples : 0 };
      if (3 * n <= capacity) return interleavedPhase(plan);
      if (n <= capacity) return blockPhase(plan, capacity);
      console.log(`\nN = ${n}: SKIPPED: the open-file limits allow ${capacity} sockets at once (workerd holds 2 fds per socket); raise them, e.g. bash -c 'ulimit -n 65536; npm run bench realtime'`);
    });
  }
}

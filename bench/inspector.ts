import { startWranglerDev, type WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { compare } from "./method.ts";
import { findUserWorkerd } from "./realtime-workerd.ts";
import { timed } from "./stats.ts";
import { benchInspectorPage } from "./inspector-page.ts";

/**
 * What the inspector costs the hot path: entity requests with dedup (`Account.deposit`, as in the
 * entities benchmark) on a Worker that counts activity and streams it to an open overview, against
 * the same Worker started a second time with the counting off (`ACTIVITY_FLUSH_MS=0`), rounds
 * alternated, each workerd's CPU per message. Also prints the page's script size and the size of
 * one activity frame (what each open overview receives per second).
 */
export async function benchInspector(dev: WranglerDev, perRound = 2000, rounds = 5, concurrency = 16): Promise<void> {
  const off = await startWranglerDev({ config: "bench/worker/wrangler.toml", vars: { HEALTH_WARN_MS: "60000", ACTIVITY_FLUSH_MS: "0" } });
  try {
    const [on, quiet] = [await findUserWorkerd(dev), await findUserWorkerd(off)];
    const auth = { Authorization: `Bearer ${dev.adminToken}`, "content-type": "application/json" };
    // One message first: the activity object exists once a shard reported, and the follower follows it (not the empty frame).
    await fetch(`${on.url}/v1/entities/Account/inspect-0/deposit`, { method: "POST", headers: auth, body: '{"amount":1}' }).then((r) => r.arrayBuffer());
    await new Promise((r) => setTimeout(r, 2_000));
    const follower = new AbortController();
    const stream = await fetch(`${on.url}/v1/activity/stream`, { headers: auth, signal: follower.signal });
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    let frames = 0, frameBytes = 0;
    const follow = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        frames++;
        frameBytes = value.byteLength;
      }
    })().catch(() => undefined);
    const post = async (url: string) => {
      const res = await fetch(url, { method: "POST", headers: { ...auth, "idempotency-key": `${Math.random()}` }, body: '{"amount":1}' });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    };
    const arm = (name: string, base: string) => ({
      name,
      round: async (r: number) => {
        const n = r < 0 ? 300 : perRound;
        return { units: n, latenciesMs: await timed(n, concurrency, (i) => post(`${base}/v1/entities/Account/inspect-${i % 256}/deposit`)) };
      },
    });
    await compare({
      bench: "inspector",
      label: `entity request with activity counting and an open overview: Account.deposit, ${perRound} per round, concurrency ${concurrency}`,
      unit: "message",
      pid: on.pid,
      baselinePid: quiet.pid,
      rounds,
      ours: arm("ours (activity counted, one stream follower)", on.url),
      baseline: arm("the same Worker, ACTIVITY_FLUSH_MS=0", quiet.url),
    });
    follower.abort();
    await follow;
    const js = await (await fetch(`${on.url}/inspector/app.js`)).text();
    console.log(`  inspector: app.js ${Buffer.byteLength(js).toLocaleString("en")} bytes; the stream sent ${String(frames)} frames, the last ${frameBytes.toLocaleString("en")} bytes`);
  } finally {
    await off.stop();
  }
  await benchInspectorPage(dev);
}

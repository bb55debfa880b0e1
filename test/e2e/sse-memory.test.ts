import { createParser, type EventSourceMessage } from "eventsource-parser";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fresh, sseKit } from "./harness/sse.ts";
import { findUserWorkerd, rssKib } from "./harness/user-workerd.ts";
import { startWranglerDev, type WranglerDev } from "./harness/wrangler-dev.ts";

/**
 * The overflow test measures the user workerd's RSS, so it runs on a `wrangler dev` of its own:
 * the shared one serves the other e2e files at the same time, and their traffic grows its RSS too.
 */
let dev: WranglerDev;
let kit: ReturnType<typeof sseKit>;
beforeAll(async () => {
  dev = await startWranglerDev();
  kit = sseKit(dev.url, dev.adminToken);
});
afterAll(() => dev?.stop());
afterEach(() => kit.closeAll());

describe("SSE memory over a wrangler dev of its own", () => {
  it("closes a client that never reads once its buffer is full (overflow), and workerd's RSS does not grow with 50 MB more", { timeout: 120_000 }, async () => {
    const user = fresh();
    const stream = await kit.follow(user, `/v1/sse/users/${user}`, {}, false);
    const chunk = "x".repeat(64 * 1024);
    let dropped = false;
    for (let i = 0; i < 200 && !dropped; i++) dropped = (await kit.post(`/v1/users/${user}/messages`, { data: chunk })).delivered === 0;
    expect(dropped, "the gateway dropped the stream").toBe(true);
    // Reading only now that the server closed it: what was buffered (bounded), the overflow notice, the end.
    const parsed: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (e) => parsed.push(e) });
    let bytes = 0;
    const decoder = new TextDecoder();
    const drained = (async () => {
      try {
        for await (const c of stream.body ?? new ReadableStream<Uint8Array>()) {
          bytes += c.byteLength;
          parser.feed(decoder.decode(c, { stream: true }));
        }
      } catch {
        // an aborted stream ends with an error: still the end
      }
    })();
    const pid = findUserWorkerd(Number(dev.port));
    expect(pid, "found the user workerd in /proc").toBeDefined();
    const rss = () => (pid === undefined ? Number.NaN : rssKib(pid) / 1024);
    const send50MB = async (to: string) => {
      for (let n = 0; n < 50 * 16; n += 8) await Promise.all(Array.from({ length: 8 }, () => kit.post(`/v1/users/${to}/messages`, { data: chunk })));
    };
    // Control first: 50 MB to a user with no stream at all (request parsing, RPC, the log).
    const [c0, control] = [rss(), fresh("control")];
    await send50MB(control);
    const [before] = [rss()];
    await send50MB(user);
    const after = rss();
    console.log(`user workerd ${pid}: RSS ${c0.toFixed(0)} → ${before.toFixed(0)} MiB over 50 MB to a user without a stream (control), → ${after.toFixed(0)} MiB over 50 MB more to the overflowed user`);
    // workerd's RSS grows with any 50 MB of messages (parsing, RPC, SQLite; never returned), stream or not: the overflowed
    // stream must add nothing to that. Buffering for it would add the 50 MB itself.
    expect(after - before, "RSS growth in MiB after the overflow, vs the same traffic without a stream").toBeLessThan(before - c0 + 20);
    await drained;
    expect(bytes).toBeLessThan(20 * 1024 * 1024);
    expect(parsed.at(-1)?.event).toBe("overflow");
  });
});

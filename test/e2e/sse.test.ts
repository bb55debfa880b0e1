import { createParser, type EventSourceMessage } from "eventsource-parser";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createClient, type PushParams, type RealtimeClient } from "../../src/realtime/client/index.ts";
import { shardOf } from "../../src/shards/shard-hash.ts";
import { findUserWorkerd, rssKib } from "./harness/user-workerd.ts";

const base = inject("baseUrl");
const auth = { Authorization: `Bearer ${inject("adminToken")}`, "content-type": "application/json" };
const post = async (path: string, body: unknown) => (await fetch(`${base}${path}`, { method: "POST", headers: auth, body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;
const token = async (sub: string) => (await post("/v1/auth/tokens", { sub, ttlSeconds: 600 })).token as string;
const fresh = (prefix = "sse") => `${prefix}-${crypto.randomUUID().slice(0, 10)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean, timeoutMs = 10_000) => {
  for (const started = Date.now(); !check(); await sleep(20)) if (Date.now() - started > timeoutMs) throw new Error("timed out waiting");
};
/** Users whose gateways (G = 16) all differ. */
const onDistinctGateways = (n: number, prefix: string) => {
  const byGateway = new Map<number, string>();
  while (byGateway.size < n) {
    const u = fresh(prefix);
    byGateway.set(shardOf(u, 16), u);
  }
  return [...byGateway.values()];
};

interface Stream {
  readonly status: number;
  readonly events: (EventSourceMessage & { at: number })[];
  readonly comments: number[];
  readonly ended: Promise<void>;
  close(): void;
}
const streams: Stream[] = [];
/** Follows an SSE path with Node fetch, parsed by eventsource-parser; `read: false` never reads the body. */
async function follow(user: string, path: string, headers: Record<string, string> = {}, read = true): Promise<Stream & { body: ReadableStream<Uint8Array> | null }> {
  const abort = new AbortController();
  const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${await token(user)}`, ...headers }, signal: abort.signal });
  const events: Stream["events"] = [];
  const comments: number[] = [];
  const parser = createParser({ onEvent: (e) => events.push({ ...e, at: Date.now() }), onComment: () => comments.push(Date.now()) });
  const decoder = new TextDecoder();
  const body = read ? null : res.body;
  const ended = (async () => {
    if (!read || !res.body) return;
    try {
      for await (const chunk of res.body) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // aborted
    }
  })();
  const stream = { status: res.status, events, comments, ended, body, close: () => abort.abort() };
  streams.push(stream);
  return stream;
}
const clients: RealtimeClient[] = [];
afterEach(() => {
  for (const s of streams.splice(0)) s.close();
  for (const c of clients.splice(0)) c.close();
});
const dataOf = (e: EventSourceMessage) => (JSON.parse(e.data) as { data: unknown }).data;

describe("SSE over a real wrangler dev", () => {
  it("sends a ':' heartbeat at the configured interval (SSE_HEARTBEAT_MS = 1000 here)", async () => {
    const user = fresh();
    const stream = await follow(user, `/v1/sse/users/${user}`);
    expect(stream.status).toBe(200);
    await until(() => stream.comments.length >= 4, 8_000);
    const gaps = stream.comments.slice(1).map((t, i) => t - (stream.comments[i] ?? t));
    for (const gap of gaps) expect(gap).toBeGreaterThan(600);
    for (const gap of gaps) expect(gap).toBeLessThan(1_600);
  });

  it("after a disconnect at message 5 of 20, Last-Event-ID of 5 gives 6..20 exactly once, in order", async () => {
    const user = fresh();
    const first = await follow(user, `/v1/sse/users/${user}`);
    for (let n = 1; n <= 5; n++) await post(`/v1/users/${user}/messages`, { data: n });
    await until(() => first.events.length >= 5);
    const idOf5 = first.events[4]?.id ?? "";
    first.close();
    for (let n = 6; n <= 20; n++) await post(`/v1/users/${user}/messages`, { data: n });
    const again = await follow(user, `/v1/sse/users/${user}`, { "Last-Event-ID": idOf5 });
    await until(() => again.events.length >= 15);
    await sleep(500);
    expect(first.events.map(dataOf)).toEqual([1, 2, 3, 4, 5]);
    expect(again.events.map(dataOf)).toEqual(Array.from({ length: 15 }, (_, i) => i + 6));
    expect(again.events.map((e) => Number(e.id))).toEqual([...again.events.map((e) => Number(e.id))].sort((a, b) => a - b));
  });

  it("starts with event: reset when Last-Event-ID is older than the log (REALTIME_LOG_MESSAGES = 100 here)", async () => {
    const user = fresh();
    const { seq } = (await post(`/v1/users/${user}/messages`, { data: 0 })) as { seq: number };
    let next = 1;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next <= 100) await post(`/v1/users/${user}/messages`, { data: next++ });
    }));
    const stream = await follow(user, `/v1/sse/users/${user}?lastEventId=${seq - 1}`);
    await until(() => stream.events.length >= 1);
    expect(stream.events[0]).toMatchObject({ event: "reset" });
    expect(JSON.parse(stream.events[0]?.data ?? "{}")).toMatchObject({ lastSeq: seq - 1, reason: "trimmed" });
  });

  it("closes a client that never reads once its buffer is full (overflow), and workerd's RSS does not grow with 50 MB more", { timeout: 120_000 }, async () => {
    const user = fresh();
    const stream = await follow(user, `/v1/sse/users/${user}`, {}, false);
    const chunk = "x".repeat(64 * 1024);
    let dropped = false;
    for (let i = 0; i < 200 && !dropped; i++) dropped = (await post(`/v1/users/${user}/messages`, { data: chunk })).delivered === 0;
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
    const pid = findUserWorkerd(Number(new URL(base).port));
    expect(pid, "found the user workerd in /proc").toBeDefined();
    const rss = () => (pid === undefined ? Number.NaN : rssKib(pid) / 1024);
    const send50MB = async (to: string) => {
      for (let n = 0; n < 50 * 16; n += 8) await Promise.all(Array.from({ length: 8 }, () => post(`/v1/users/${to}/messages`, { data: chunk })));
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

  it("shows a domain event emitted by an entity handler once to an SSE client and a WebSocket client on another gateway, though the Queue delivers it twice", async () => {
    const key = `live-flaky-${crypto.randomUUID().slice(0, 8)}`;
    const [watcher, wsUser] = onDistinctGateways(3, "watch").filter((u) => shardOf(u, 16) !== shardOf(key, 16));
    const topic = `counters.${key}`;
    const sseTopic = await follow(watcher ?? "", `/v1/sse/topics/${topic}`);
    const sseUser = await follow(key, `/v1/sse/users/${key}`);
    const client = createClient({ url: base, user: wsUser ?? "", token: () => token(wsUser ?? "") });
    clients.push(client);
    const got: PushParams[] = [];
    client.on("message", (m) => got.push(m));
    await client.subscribe([topic]);
    const res = await fetch(`${base}/v1/entities/Counter/${key}/increment`, { method: "POST", headers: auth, body: JSON.stringify({ by: 1 }) });
    expect(res.status).toBe(200);
    // `counter-flaky` fails the first attempt, so the Queue redelivers the message to every subscription; its second attempt tells the user.
    await until(() => sseUser.events.some((e) => (dataOf(e) as { redelivered?: number }).redelivered === 2), 20_000);
    await sleep(1_000);
    expect(sseTopic.events.map((e) => [e.event, dataOf(e)])).toEqual([["counter.incremented", { key, value: 1, by: 1 }]]);
    expect(sseUser.events.filter((e) => e.event === "counter.incremented")).toHaveLength(1);
    expect(got.map((m) => [m.event, m.topic, m.data])).toEqual([["counter.incremented", topic, { key, value: 1, by: 1 }]]);
  });

  it("resumes a WebSocket closed mid-stream: the missed messages arrive once, in order", async () => {
    const user = fresh("wsr");
    const topic = fresh("feed");
    const client = createClient({ url: base, user, token: () => token(user), minReconnectionDelay: 1_500, maxReconnectionDelay: 1_500, reconnectionJitter: 0 });
    clients.push(client);
    const got: PushParams[] = [];
    client.on("message", (m) => got.push(m));
    await new Promise<void>((resolve) => client.on("open", () => resolve()));
    await client.subscribe([topic]);
    for (let n = 1; n <= 3; n++) await post(`/v1/topics/${topic}/messages`, { data: n });
    await until(() => got.length === 3);
    const reopened = new Promise<void>((resolve) => client.on("open", ({ reconnected }) => reconnected && resolve()));
    await post(`/v1/users/${user}/disconnect`, { code: 1012 });
    for (let n = 4; n <= 8; n++) await post(n % 2 ? `/v1/topics/${topic}/messages` : `/v1/users/${user}/messages`, { data: n });
    await reopened;
    for (let n = 9; n <= 10; n++) await post(`/v1/topics/${topic}/messages`, { data: n });
    await until(() => got.length >= 10);
    await sleep(300);
    expect(got.map((m) => m.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

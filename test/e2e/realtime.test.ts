import { request as httpRequest } from "node:http";
import { afterEach, describe, expect, inject, it } from "vitest";
import { ConnectionClosedError, createClient, type PushParams, type RealtimeClient } from "../../src/realtime/client/index.ts";
import { shardOf } from "../../src/shards/shard-hash.ts";
import { eventually as until } from "../eventually.ts";

const base = inject("baseUrl");
const auth = { Authorization: `Bearer ${inject("adminToken")}`, "content-type": "application/json" };
const post = async (path: string, body: unknown) => (await fetch(`${base}${path}`, { method: "POST", headers: auth, body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;
const token = async (sub: string, ttlSeconds = 600) => (await post("/v1/auth/tokens", { sub, ttlSeconds })).token as string;
const fresh = (prefix = "e2e") => `${prefix}-${crypto.randomUUID().slice(0, 10)}`;

const clients: RealtimeClient[] = [];
/** A real client over a real socket, collecting its pushes. */
async function open(user: string): Promise<{ client: RealtimeClient; got: PushParams[] }> {
  const client = createClient({ url: base, user, token: () => token(user), minReconnectionDelay: 100, maxReconnectionDelay: 500 });
  clients.push(client);
  const got: PushParams[] = [];
  client.on("message", (m) => got.push(m));
  await new Promise<void>((resolve) => client.on("open", () => resolve()));
  return { client, got };
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

/** The status of a raw upgrade attempt (101 or the refusal), over a plain HTTP connection. */
function upgradeStatus(path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", ...headers } });
    req.on("upgrade", (res, socket) => (socket.destroy(), resolve(res.statusCode ?? 0)));
    req.on("response", (res) => (res.resume(), resolve(res.statusCode ?? 0)));
    req.on("error", reject);
    req.end();
  });
}

describe("realtime over a real wrangler dev", () => {
  it("refuses missing, wrong-user and garbage tokens with 401 before any upgrade", async () => {
    const user = fresh();
    expect(await upgradeStatus(`/ws/${user}`)).toBe(401);
    expect(await upgradeStatus(`/ws/${user}?token=${await token("someone-else")}`)).toBe(401);
    expect(await upgradeStatus(`/ws/${user}`, { Authorization: "Bearer x.y.z" })).toBe(401);
    expect(await upgradeStatus(`/ws/${user}?token=${await token(user)}`)).toBe(101);
  });

  it("delivers a send from an unrelated HTTP request to both sockets of a user exactly once", async () => {
    const user = fresh();
    const [a, b] = [await open(user), await open(user)];
    expect(await post(`/v1/users/${user}/messages`, { data: { n: 1 } })).toMatchObject({ delivered: 2 });
    // A second message is the signal: a repeat of the first would arrive before it (one gateway, in order).
    expect(await post(`/v1/users/${user}/messages`, { data: { n: 2 } })).toMatchObject({ delivered: 2 });
    await until(() => a.got.some((m) => (m.data as { n: number }).n === 2) && b.got.some((m) => (m.data as { n: number }).n === 2));
    expect([a.got, b.got].map((g) => g.map((m) => m.data))).toEqual([[{ n: 1 }, { n: 2 }], [{ n: 1 }, { n: 2 }]]);
  });

  it("reaches topic subscribers on different gateways with one call per gateway", async () => {
    const users = new Map<number, string>();
    while (users.size < 3) {
      const u = fresh("topic");
      users.set(shardOf(u, 16), u);
    }
    const opened = await Promise.all([...users.values()].map(open));
    for (const { client } of opened) await client.subscribe(["e2e-news"]);
    expect(await post("/v1/topics/e2e-news/messages", { data: "hello" })).toEqual({ delivered: 3, gateways: 16 });
    await until(() => opened.every((o) => o.got.length === 1));
    for (const o of opened) expect(o.got[0]).toMatchObject({ topic: "e2e-news", data: "hello" });
  });

  it("reconnects after a 1012, re-subscribes, receives the next message, and settles an in-flight call once", async () => {
    const user = fresh();
    const key = fresh("k");
    const { client, got } = await open(user);
    await client.subscribe(["e2e-restart"]);
    let reconnecting = 0;
    client.on("reconnecting", () => void reconnecting++);
    const inFlight = client.call<{ value: number }>("counter.add", { key, by: 1 }).then((r) => r, (e: unknown) => e);
    await post(`/v1/users/${user}/disconnect`, { code: 1012 });
    const settled = await inFlight;
    if (settled instanceof ConnectionClosedError) expect(await client.call("counter.add", { key, by: 1 }, { id: settled.id })).toEqual({ value: 1 });
    else expect(settled).toEqual({ value: 1 });
    await until(() => reconnecting > 0 && client.state === "open");
    // The re-subscription races the publish: publish until the gateway counts the socket.
    await until(async () => ((await post("/v1/topics/e2e-restart/messages", { data: "after" })).delivered as number) > 0);
    await until(() => got.some((m) => m.data === "after"));
    expect(await post(`/v1/entities/Counter/${key}/get`, {})).toEqual({ value: 1 });
  });
});

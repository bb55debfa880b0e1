import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import { decode, encode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import type { GatewayObject } from "../../src/objects/index.ts";
import { HEARTBEAT } from "../../src/spec/index.ts";
import { admin, BASE, fetchWith } from "./helpers.ts";
import { connect, G, gatewayStub, req, tokenFor, usersOnDistinctGateways } from "./socket-helpers.ts";
import { eventually } from "../eventually.ts";

const post = (path: string, body: unknown) => exports.default.fetch(`${BASE}${path}`, { method: "POST", headers: admin({ "content-type": "application/json" }), body: JSON.stringify(body) });
const fresh = (prefix = "user") => `${prefix}-${crypto.randomUUID().slice(0, 12)}`;
const upgrade = (user: string, headers: Record<string, string>) => exports.default.fetch(`${BASE}/ws/${user}`, { headers: { Upgrade: "websocket", ...headers } });

describe("/ws/:user authentication, before any upgrade", () => {
  it("answers 401 problem+json without upgrading when the token is missing, expired or for another user", async () => {
    const user = fresh();
    const expired = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(user).setExpirationTime(Math.floor(Date.now() / 1000) - 10).sign(new TextEncoder().encode(env.AUTH_SECRET));
    const forged = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(user).setExpirationTime("1h").sign(new TextEncoder().encode("another-secret-entirely-0123456789"));
    const cases: Record<string, string>[] = [{}, { Authorization: `Bearer ${expired}` }, { Authorization: `Bearer ${await tokenFor("someone-else")}` }, { Authorization: `Bearer ${forged}` }, { Authorization: "Bearer not.a.jwt" }];
    for (const headers of cases) {
      const res = await upgrade(user, headers);
      expect(res.status).toBe(401);
      expect(res.webSocket).toBeNull();
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    const body = await (await upgrade(user, { Authorization: `Bearer ${expired}` })).json<{ detail: string }>();
    expect(body.detail).toBe("token expired");
  });

  it("accepts the token as the token query parameter", async () => {
    const user = fresh();
    const res = await exports.default.fetch(`${BASE}/ws/${user}?token=${await tokenFor(user)}`, { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(101);
    res.webSocket?.accept();
    res.webSocket?.close(1000);
  });

  it("answers 403 to an Origin outside ALLOWED_ORIGINS, and upgrades an allowed one", async () => {
    const user = fresh();
    const token = await tokenFor(user);
    const vars = { ALLOWED_ORIGINS: "https://app.example, https://admin.example" };
    const refused = await fetchWith(vars, `/ws/${user}`, { headers: { Upgrade: "websocket", Authorization: `Bearer ${token}`, Origin: "https://evil.example" } });
    expect(refused.status).toBe(403);
    expect(refused.webSocket).toBeNull();
    const allowed = await fetchWith(vars, `/ws/${user}`, { headers: { Upgrade: "websocket", Authorization: `Bearer ${token}`, Origin: "https://admin.example" } });
    expect(allowed.status).toBe(101);
    allowed.webSocket?.accept();
    allowed.webSocket?.close(1000);
  });

  it("answers 426 to a plain GET with a valid token", async () => {
    const user = fresh();
    const res = await exports.default.fetch(`${BASE}/ws/${user}`, { headers: { Authorization: `Bearer ${await tokenFor(user)}` } });
    expect(res.status).toBe(426);
  });

  it("mints tokens only for the admin", async () => {
    const res = await exports.default.fetch(`${BASE}/v1/auth/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sub: "x", ttlSeconds: 60 }) });
    expect(res.status).toBe(401);
    const bad = await post("/v1/auth/tokens", { sub: "has space", ttlSeconds: 0 });
    expect(bad.status).toBe(400);
  });
});

describe("send to a user (WS-03)", () => {
  it("reaches both sockets of a user exactly once from an unrelated HTTP request", async () => {
    const user = fresh();
    const [a, b] = [await connect(user), await connect(user)];
    const res = await post(`/v1/users/${user}/messages`, { data: { hello: 1 } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ delivered: 2 });
    // A second send is the signal: a repeat of the first would arrive before it (one gateway, in order).
    await post(`/v1/users/${user}/messages`, { data: { hello: 2 } });
    const [fa, fb] = [await a.waitFor(2), await b.waitFor(2)];
    expect([a.frames, b.frames].map((f) => f.map((m) => (m as { params: { data: unknown } }).params.data))).toEqual([[{ hello: 1 }, { hello: 2 }], [{ hello: 1 }, { hello: 2 }]]);
    expect(fa[0]).toMatchObject({ jsonrpc: "2.0", method: "message", params: { data: { hello: 1 } } });
    expect((fa[0] as { params: { seq: number } }).params.seq).toBe((fb[0] as { params: { seq: number } }).params.seq);
  });

  it("answers delivered 0 for a user with no socket, and 400 for a bad user or body", async () => {
    expect(await (await post(`/v1/users/${fresh()}/messages`, { data: 1 })).json()).toMatchObject({ delivered: 0 });
    expect((await post(`/v1/users/${fresh()}/messages`, {})).status).toBe(400);
    expect((await post(`/v1/users/${"x".repeat(200)}/messages`, { data: 1 })).status).toBe(400);
  });

  it("numbers deliveries with a monotonic per-gateway seq that survives eviction", async () => {
    const user = fresh();
    const s = await connect(user);
    await post(`/v1/users/${user}/messages`, { data: 1 });
    await evictDurableObject(gatewayStub(user));
    await post(`/v1/users/${user}/messages`, { data: 2 });
    const [first, second] = (await s.waitFor(2)) as { params: { seq: number } }[];
    expect(second?.params.seq).toBeGreaterThan(first?.params.seq ?? Infinity);
  });
});

describe("disconnect", () => {
  it("closes every socket of a user with 1012 by default, and refuses a reserved close code", async () => {
    const user = fresh();
    const [a, b] = [await connect(user), await connect(user)];
    expect(await (await post(`/v1/users/${user}/disconnect`, {})).json()).toEqual({ closed: 2 });
    expect([(await a.waitClosed()).code, (await b.waitClosed()).code]).toEqual([1012, 1012]);
    expect((await post(`/v1/users/${user}/disconnect`, { code: 1006 })).status).toBe(400);
  });
});

describe("topics", () => {
  it("reaches subscribers on different gateways with exactly G gateway calls", async () => {
    const users = usersOnDistinctGateways(4);
    const sockets = await Promise.all(users.map((u) => connect(u)));
    for (const s of sockets) expect(await s.call(req(1, "subscribe", { topics: ["news"] }))).toMatchObject({ id: 1, result: { topics: ["news"] } });
    const calls = async () => (await Promise.all(Array.from({ length: G }, (_, n) => env.GATEWAYS.get(env.GATEWAYS.idFromName(`gateway/${n}`)).stats()))).reduce((sum, s) => sum + s.topicCalls, 0);
    const before = await calls();
    const res = await post("/v1/topics/news/messages", { data: "extra" });
    expect(await res.json()).toEqual({ delivered: 4, gateways: G });
    expect((await calls()) - before).toBe(G);
    for (const s of sockets) expect((await s.waitFor(2))[1]).toMatchObject({ method: "message", params: { topic: "news", data: "extra" } });
  });

  it("keeps identity and subscriptions when the gateway is evicted while sockets are idle", async () => {
    const user = fresh();
    const s = await connect(user);
    await s.call(req("sub", "subscribe", { topics: ["idle-topic"] }));
    const before = (await s.call(req("w1", "whoami"))) as { result: unknown };
    await evictDurableObject(gatewayStub(user));
    expect(await runInDurableObject(gatewayStub(user), (_i: GatewayObject, state) => state.storage.sql.exec("SELECT COUNT(*) AS n FROM subscriptions WHERE topic = 'idle-topic'").one().n)).toBe(1);
    await post("/v1/topics/idle-topic/messages", { data: "after eviction" });
    expect((await s.waitFor(3))[2]).toMatchObject({ params: { topic: "idle-topic", data: "after eviction" } });
    expect(await s.call(req("w2", "whoami"))).toMatchObject({ result: before.result });
  });

  it("answers the heartbeat from the runtime, also while the gateway is evicted", async () => {
    const user = fresh();
    const s = await connect(user);
    await evictDurableObject(gatewayStub(user));
    expect(await s.call(HEARTBEAT.request)).toEqual(JSON.parse(HEARTBEAT.response));
  });

  it("isolates tenants: a tenant's topic is not another tenant's or a plain user's", async () => {
    const [acme, globex, plain] = [fresh("acme"), fresh("globex"), fresh("plain")];
    const sa = await connect(acme, { token: await tokenFor(acme, { tenant: "acme" }) });
    const sg = await connect(globex, { token: await tokenFor(globex, { tenant: "globex" }) });
    const sp = await connect(plain);
    for (const s of [sa, sg, sp]) await s.call(req(1, "subscribe", { topics: ["board"] }));
    expect(await (await post("/v1/topics/board/messages", { data: "acme only", tenant: "acme" })).json()).toMatchObject({ delivered: 1 });
    expect((await sa.waitFor(2))[1]).toMatchObject({ params: { topic: "board", data: "acme only" } });
    // Later messages for the others are the signal: had acme's reached them, it would have come first.
    await post("/v1/topics/board/messages", { data: "globex only", tenant: "globex" });
    await post("/v1/topics/board/messages", { data: "no tenant" });
    expect((await sg.waitFor(2))[1]).toMatchObject({ params: { data: "globex only" } });
    expect((await sp.waitFor(2))[1]).toMatchObject({ params: { data: "no tenant" } });
    expect([sa.frames.length, sg.frames.length, sp.frames.length]).toEqual([2, 2, 2]);
  });

  it("removes a closed socket's subscriptions from storage", async () => {
    const user = fresh();
    const s = await connect(user);
    await s.call(req(1, "subscribe", { topics: ["gone"] }));
    s.ws.close(1000, "bye");
    const count = () => runInDurableObject(gatewayStub(user), (_i: GatewayObject, state) => state.storage.sql.exec("SELECT COUNT(*) AS n FROM subscriptions WHERE user_id = ?", user).one().n);
    await eventually(async () => (await count()) === 0);
  });
});

describe("MessagePack", () => {
  it("speaks binary frames with the same shapes on the msgpack subprotocol", async () => {
    const user = fresh();
    const token = await tokenFor(user);
    const res = await upgrade(user, { Authorization: `Bearer ${token}`, "Sec-WebSocket-Protocol": "msgpack" });
    expect(res.headers.get("sec-websocket-protocol")).toBe("msgpack");
    const ws = res.webSocket!;
    ws.accept();
    ws.binaryType = "arraybuffer";
    const got: unknown[] = [];
    ws.addEventListener("message", (e) => {
      got.push(typeof e.data === "string" ? `text: ${e.data}` : decode(new Uint8Array(e.data as ArrayBuffer)));
    });
    ws.send(encode(req(7, "subtract", [42, 23])));
    await eventually(() => got.length > 0);
    expect(got[0]).toEqual({ jsonrpc: "2.0", id: 7, result: 19 });
  });
});

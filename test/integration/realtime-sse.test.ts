import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, consume } from "./event-helpers.ts";
import { connect, G, gatewayStub, tokenFor, usersOnDistinctGateways, wrap } from "./socket-helpers.ts";
import { BASE } from "./helpers.ts";
import { openStream, until, type TestStream } from "./sse-helpers.ts";
import { exports } from "cloudflare:workers";
import type { EventMessage } from "../../src/spec/index.ts";
import { userStream } from "../../src/realtime/message-log.ts";

const fresh = (p = "sse") => `${p}-${crypto.randomUUID().slice(0, 8)}`;
const toUser = async (user: string, data: unknown) => (await api(`/v1/users/${user}/messages`, { method: "POST", body: { data } })).json<{ delivered: number; seq?: number }>();
const toTopic = async (topic: string, data: unknown) => (await api(`/v1/topics/${topic}/messages`, { method: "POST", body: { data } })).json<{ delivered: number; gateways: number }>();
const stats = (user: string) => (gatewayStub(user)).stats();
const rows = (user: string, table: string) => runInDurableObject(gatewayStub(user), (_o, state) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n);
/** Rows of the user's own stream in its gateway's log (other tests' users and topics share the gateway). */
const logRows = (user: string) => runInDurableObject(gatewayStub(user), (_o, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM message_log WHERE stream = ?", userStream(user)).one().n);

describe("SSE streams inside workerd", () => {
  it("answers with the SSE headers, a retry hint, and each message with id = the gateway seq and an event name", async () => {
    const user = fresh();
    const stream = await openStream(user, `/v1/sse/users/${user}`);
    expect(Object.fromEntries(["content-type", "cache-control", "x-accel-buffering"].map((h) => [h, stream.response.headers.get(h)]))).toEqual({ "content-type": "text/event-stream", "cache-control": "no-cache", "x-accel-buffering": "no" });
    const sent = await toUser(user, { hello: "line one\nline two" });
    expect(sent.delivered).toBe(1);
    const [event] = await stream.waitFor(1);
    expect(event).toMatchObject({ id: String(sent.seq), event: "message" });
    expect(JSON.parse(event?.data ?? "")).toEqual({ data: { hello: "line one\nline two" }, seq: sent.seq });
    expect(stream.retry).toEqual([2000]);
    await stream.cancel();
  });

  it("refuses a missing token, another user's token and a bad topic list before reaching a gateway", async () => {
    const user = fresh();
    expect((await exports.default.fetch(`${BASE}/v1/sse/users/${user}`)).status).toBe(401);
    expect((await exports.default.fetch(`${BASE}/v1/sse/users/${user}?token=${await tokenFor("other")}`)).status).toBe(401);
    expect((await exports.default.fetch(`${BASE}/v1/sse/users/${user}?topics=ok,bad%20topic&token=${await tokenFor(user)}`)).status).toBe(400);
  });

  it("replays what a user missed after Last-Event-ID, in order, then continues live", async () => {
    const user = fresh();
    const seqs: number[] = [];
    for (let n = 1; n <= 5; n++) seqs.push((await toUser(user, n)).seq ?? 0);
    const stream = await openStream(user, `/v1/sse/users/${user}`, { "Last-Event-ID": String(seqs[1]) });
    await stream.waitFor(3);
    await toUser(user, 6);
    const events = await stream.waitFor(4);
    expect(events.map((e) => (JSON.parse(e.data) as { data: number }).data)).toEqual([3, 4, 5, 6]);
    await stream.cancel();
  });

  it("refuses a stream that follows 101 topics with 400", async () => {
    const user = fresh();
    const res = await exports.default.fetch(`${BASE}/v1/sse/users/${user}?topics=${Array.from({ length: 101 }, (_, i) => `${user}.t${i}`).join(",")}`, { headers: { Authorization: `Bearer ${await tokenFor(user)}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "validation_failed", errors: [{ path: "topics" }] });
  });

  it("resumes a stream that follows 100 topics (the maximum) and its user after Last-Event-ID", async () => {
    const user = fresh();
    const path = `/v1/sse/users/${user}?topics=${Array.from({ length: 100 }, (_, i) => `${user}.t${i}`).join(",")}`;
    const first = await openStream(user, path);
    const start = (await toUser(user, "mark")).seq ?? 0;
    await first.waitFor(1);
    await first.cancel();
    await toTopic(`${user}.t42`, "missed-topic");
    await toUser(user, "missed-user");
    const stream = await openStream(user, path, { "Last-Event-ID": String(start) });
    expect(stream.response.status).toBe(200);
    const events = await stream.waitFor(2);
    expect(events.map((e) => (JSON.parse(e.data) as { data: string }).data)).toEqual(["missed-topic", "missed-user"]);
    await stream.cancel();
  });

  it("starts with event: reset when the id is older than the log (1,000 messages per user)", async () => {
    const user = fresh();
    const stub = gatewayStub(user);
    const first = await stub.deliverToUser(user, { data: 0 });
    for (let n = 1; n <= 1000; n++) await stub.deliverToUser(user, { data: n });
    expect(await logRows(user)).toBe(1000);
    const stream = await openStream(user, `/v1/sse/users/${user}?lastEventId=${(first.seq ?? 0) - 1}`);
    const [reset] = await stream.waitFor(1);
    expect(reset?.event).toBe("reset");
    expect(JSON.parse(reset?.data ?? "")).toMatchObject({ reason: "trimmed", seq: (first.seq ?? 0) + 1000 });
    await stream.cancel();
  });

  it("serves a topic stream on the caller's gateway, so one publish (G calls) reaches it and sockets on other gateways", async () => {
    const [a, b] = usersOnDistinctGateways(2, "sse-topic");
    const topic = fresh("news");
    const stream = await openStream(a ?? "", `/v1/sse/topics/${topic}`);
    const socket = await connect(b ?? "");
    await socket.call({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { topics: [topic] } });
    expect(await toTopic(topic, "hi")).toEqual({ delivered: 2, gateways: G });
    const [event] = await stream.waitFor(1);
    expect(JSON.parse(event?.data ?? "")).toMatchObject({ topic, data: "hi" });
    await socket.waitFor(2);
    expect(socket.frames[1]).toMatchObject({ method: "message", params: { topic, data: "hi" } });
    await stream.cancel();
  });

  it("frees a stream whose client went away within two heartbeats", async () => {
    const user = fresh();
    const stream = await openStream(user, `/v1/sse/users/${user}`);
    expect((await stats(user)).sseStreams).toBe(1);
    await stream.cancel();
    const gone = Date.now();
    await until(async () => (await stats(user)).sseStreams === 0, 2_000);
    expect(Date.now() - gone).toBeLessThan(2 * 200 + 300);
  });

  it("closes a user's oldest SSE stream with event: replaced when it opens stream 11", async () => {
    const user = fresh();
    const streams: TestStream[] = [];
    for (let i = 0; i < 11; i++) streams.push(await openStream(user, `/v1/sse/users/${user}`));
    await until(() => Promise.resolve(streams[0]?.events.some((e) => e.event === "replaced") ?? false), 2_000);
    expect((await stats(user)).sseStreams).toBe(10);
    expect(streams.slice(1).every((s) => !s.events.some((e) => e.event === "replaced"))).toBe(true);
    await Promise.all(streams.map((s) => s.cancel()));
  });

  it("delivers a domain event bridged to a topic and a user once, when the Queue delivers it twice", async () => {
    const key = `live-${crypto.randomUUID().slice(0, 8)}`;
    const [watcher] = usersOnDistinctGateways(1, "watch");
    const topicStream = await openStream(watcher ?? "", `/v1/sse/topics/counters.${key}`);
    const userStream = await openStream(key, `/v1/sse/users/${key}`);
    const event = { eventId: `evt_${crypto.randomUUID()}`, type: "counter.incremented", version: 1, payload: { key, value: 1, by: 1 }, scope: "cluster", delivery: "at-least-once", producer: "test", emittedAt: Date.now() } as EventMessage;
    expect((await consume("events", [event])).acked).toBe(1);
    expect((await consume("events", [event], 2)).acked).toBe(1);
    // A second event is the signal: a repeat of the first would reach each stream before it.
    expect((await consume("events", [{ ...event, eventId: `evt_${crypto.randomUUID()}`, payload: { key, value: 2, by: 1 } }])).acked).toBe(1);
    await topicStream.waitFor(2);
    await userStream.waitFor(2);
    expect(topicStream.events.map((e) => e.event)).toEqual(["counter.incremented", "counter.incremented"]);
    expect(userStream.events.map((e) => JSON.parse(e.data) as unknown)).toEqual([1, 2].map((value): unknown => expect.objectContaining({ event: "counter.incremented", data: { key, value, by: 1 } })));
    expect(await rows(key, "seen_events")).toBeGreaterThanOrEqual(1);
    await topicStream.cancel();
    await userStream.cancel();
  });
});

describe("WebSocket resume inside workerd", () => {
  it("replays the messages a socket missed, once and in order, before anything live, then says resumed", async () => {
    const user = fresh("wsr");
    const token = await tokenFor(user);
    const open = async (query: string) => {
      const res = await exports.default.fetch(`${BASE}/ws/${user}?token=${token}&${query}`, { headers: { Upgrade: "websocket" } });
      if (!res.webSocket) throw new Error(`upgrade answered ${res.status}`);
      res.webSocket.accept();
      return wrap(res.webSocket);
    };
    const first = await open("lastSeq=latest");
    const [resumed] = await first.waitFor(1);
    const baseline = (resumed as { params: { seq: number } }).params.seq;
    first.ws.close(1000);
    for (let n = 1; n <= 3; n++) await toUser(user, n);
    const again = await open(`lastSeq=${baseline}`);
    const frames = await again.waitFor(4);
    expect(frames.map((f) => (f as { method: string }).method)).toEqual(["message", "message", "message", "resumed"]);
    expect(frames.slice(0, 3).map((f) => (f as { params: { data: number } }).params.data)).toEqual([1, 2, 3]);
    expect(frames[3]).toMatchObject({ params: { replayed: 3, seq: baseline + 3 } });
    again.ws.close(1000);
  });

  it("resumes a socket that follows 100 topics (the maximum) and refuses 101 with 400 before the upgrade", async () => {
    const user = fresh("wsr");
    const token = await tokenFor(user);
    const topics = (n: number) => Array.from({ length: n }, (_, i) => `${user}.t${i}`).join(",");
    const open = (query: string) => exports.default.fetch(`${BASE}/ws/${user}?token=${token}&${query}`, { headers: { Upgrade: "websocket" } });
    const first = await open(`lastSeq=latest&topics=${topics(100)}`);
    first.webSocket?.accept();
    const [resumed] = await wrap(first.webSocket!).waitFor(1);
    first.webSocket?.close(1000);
    await toTopic(`${user}.t99`, "missed-topic");
    const again = await open(`lastSeq=${(resumed as { params: { seq: number } }).params.seq}&topics=${topics(100)}`);
    again.webSocket?.accept();
    const frames = await wrap(again.webSocket!).waitFor(2);
    expect(frames[0]).toMatchObject({ method: "message", params: { data: "missed-topic", topic: `${user}.t99` } });
    again.webSocket?.close(1000);
    const past = await open(`lastSeq=latest&topics=${topics(101)}`);
    expect(past.status).toBe(400);
    expect(await past.json()).toMatchObject({ code: "validation_failed", errors: [{ path: "topics" }] });
  });
});

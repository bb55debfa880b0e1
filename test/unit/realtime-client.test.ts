import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { BufferOverflowError, ConnectionClosedError, InvalidResultError, RpcError, RpcTimeoutError, socketUrl, type PushParams } from "../../src/realtime/client/index.ts";
import { RPC_ERRORS } from "../../src/spec/rpc.ts";
import { lastSocket, openClient, settle, startClient } from "./fake-websocket.ts";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("RealtimeClient calls", () => {
  it("connects to the user's socket URL with the token as a query parameter, https turned into wss", async () => {
    startClient({ user: "ada lovelace", token: () => "t&1" });
    await settle();
    expect(lastSocket().url).toBe("wss://h.example/ws/ada%20lovelace?token=t%261&lastSeq=latest");
    expect(socketUrl("http://h:8787/base/", "u")).toBe("ws://h:8787/base/ws/u");
  });

  it("resolves a call with the result of its response", async () => {
    const { client, socket } = await openClient();
    const result = client.call<{ n: number }>("sum", { a: 1 });
    expect(socket.frames[0]).toMatchObject({ jsonrpc: "2.0", method: "sum", params: { a: 1 } });
    socket.reply(socket.frames[0]?.id, { n: 2 });
    await expect(result).resolves.toEqual({ n: 2 });
  });

  it("rejects a call with an RpcError carrying the server's code, message and data", async () => {
    const { client, socket } = await openClient();
    const result = client.call("publish", { topic: "t" });
    socket.receive({ jsonrpc: "2.0", id: socket.frames[0]?.id, error: { code: RPC_ERRORS.rate_limited, message: "slow down", data: { limit: 100 } } });
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect(error).toMatchObject({ code: -32000, message: "slow down", data: { limit: 100 } });
  });

  it("rejects a call with RpcTimeoutError when no response arrives within timeoutMs", async () => {
    const { client } = await openClient();
    const result = client.call("slow", undefined, { timeoutMs: 500 });
    const caught = result.catch((e: unknown) => e);
    await settle(499);
    await settle(1);
    expect(await caught).toBeInstanceOf(RpcTimeoutError);
  });

  it("rejects an in-flight call with ConnectionClosedError when the socket closes, and ignores a late response", async () => {
    const { client, socket } = await openClient();
    const result = client.call("work");
    const id = socket.frames[0]?.id;
    socket.serverClose(1012, "restart");
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error).toMatchObject({ code: 1012, id });
    socket.reply(id, "late");
    await expect(result).rejects.toBe(error);
  });

  it("gives every call an id unique across reconnects and clients, and reuses an id it is given", async () => {
    const { client, socket } = await openClient({ clientId: "c1" });
    void client.call("a").catch(() => undefined);
    socket.serverClose(1006);
    await settle(1_000);
    lastSocket().open();
    void client.call("b").catch(() => undefined);
    void client.call("retry", undefined, { id: "c1:1" }).catch(() => undefined);
    expect([socket.frames[0]?.id, ...lastSocket().frames.map((f) => f.id)]).toEqual(["c1:1", "c1:2", "c1:1"]);
    const other = await openClient();
    void other.client.call("a").catch(() => undefined);
    expect(other.socket.frames[0]?.id).not.toBe("c1:1");
    expect(other.client.clientId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("rejects with InvalidResultError when a result does not match the schema given to callValidated", async () => {
    const { client, socket } = await openClient();
    const result = client.callValidated(z.object({ n: z.number() }), "sum");
    socket.reply(socket.frames[0]?.id, { n: "two" });
    await expect(result).rejects.toBeInstanceOf(InvalidResultError);
  });

  it("refuses invalid built-in params with an RpcError -32602 before sending anything", async () => {
    const { client, socket } = await openClient();
    await expect(client.subscribe(["bad topic!"])).rejects.toMatchObject({ code: RPC_ERRORS.invalid_params });
    expect(socket.sent).toEqual([]);
  });
});

describe("RealtimeClient offline buffer", () => {
  it("buffers calls and notifications made while offline and sends them in order on open", async () => {
    const client = startClient();
    const first = client.call("one");
    client.notify("two", { x: 2 });
    const third = client.call("three");
    expect(client.buffered).toBe(3);
    await settle();
    const socket = lastSocket();
    socket.open();
    expect(socket.frames.map((f) => f.method)).toEqual(["one", "two", "three"]);
    expect(socket.frames[1]).not.toHaveProperty("id");
    socket.reply(socket.frames[2]?.id, 3);
    socket.reply(socket.frames[0]?.id, 1);
    await expect(Promise.all([first, third])).resolves.toEqual([1, 3]);
  });

  it("rejects a call with BufferOverflowError and emits error when the buffer is full", async () => {
    const client = startClient({ bufferSize: 2 });
    const errors: Error[] = [];
    client.on("error", (e) => errors.push(e));
    void client.call("a").catch(() => undefined);
    expect(client.notify("b")).toBe(true);
    await expect(client.call("c")).rejects.toBeInstanceOf(BufferOverflowError);
    expect(client.notify("d")).toBe(false);
    expect(errors.map((e) => e.constructor)).toEqual([BufferOverflowError, BufferOverflowError]);
    expect(client.buffered).toBe(2);
  });

  it("drops a buffered call that timed out instead of sending it later", async () => {
    const client = startClient({ connectTimeoutMs: 60_000 });
    await expect(Promise.all([client.call("old", undefined, { timeoutMs: 100 }), settle(100)])).rejects.toBeInstanceOf(RpcTimeoutError);
    lastSocket().open();
    expect(lastSocket().sent).toEqual([]);
  });
});

describe("RealtimeClient events", () => {
  it("delivers server pushes to message listeners until they unsubscribe", async () => {
    const { client, socket } = await openClient();
    const seen: PushParams[] = [];
    const off = client.on("message", (m) => seen.push(m));
    socket.receive({ jsonrpc: "2.0", method: "message", params: { topic: "room", from: "bob", data: { hi: 1 }, seq: 7 } });
    off();
    socket.receive({ jsonrpc: "2.0", method: "message", params: { data: 2, seq: 8 } });
    expect(seen).toEqual([{ topic: "room", from: "bob", data: { hi: 1 }, seq: 7 }]);
  });

  it("emits error for a frame it cannot read and keeps the socket", async () => {
    const { client, socket } = await openClient();
    const errors: Error[] = [];
    client.on("error", (e) => errors.push(e));
    socket.receive("not json");
    socket.receive({ jsonrpc: "2.0", method: "message", params: { seq: 0 } });
    expect(errors).toHaveLength(2);
    expect(client.state).toBe("open");
  });

  it("sends the heartbeat string every heartbeatMs while open and ignores heartbeat responses", async () => {
    const { client, socket } = await openClient({ heartbeatMs: 30_000 });
    const messages: PushParams[] = [];
    client.on("message", (m) => messages.push(m));
    await settle(30_000);
    socket.receive('{"jsonrpc":"2.0","method":"heartbeat.ok"}');
    await settle(30_000);
    expect(socket.sent).toEqual(['{"jsonrpc":"2.0","method":"heartbeat"}', '{"jsonrpc":"2.0","method":"heartbeat"}']);
    expect(messages).toEqual([]);
    expect(client.state).toBe("open");
  });
});

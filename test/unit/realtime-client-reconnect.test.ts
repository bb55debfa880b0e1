import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConnectionClosedError, type CloseInfo, type ReconnectingInfo } from "../../src/realtime/client/index.ts";
import { FakeSocket, lastSocket, openClient, settle, startClient } from "./fake-websocket.ts";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("RealtimeClient reconnection", () => {
  it("reconnects after a 1012 restart with the backoff delay and emits close, reconnecting and open", async () => {
    const { client, socket } = await openClient();
    const log: string[] = [];
    client.on("close", (c) => log.push(`close ${c.code} ${c.willReconnect}`));
    client.on("reconnecting", (r) => log.push(`reconnecting ${r.attempt} ${r.delayMs}`));
    client.on("open", (o) => log.push(`open ${o.reconnected}`));
    socket.serverClose(1012, "restart");
    await settle(999);
    expect(FakeSocket.all).toHaveLength(1);
    await settle(1);
    lastSocket().open();
    expect(log).toEqual(["close 1012 true", "reconnecting 1 1000", "open true"]);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it("backs off by 1.3 per failed attempt, and retries an attempt that exceeds the connect timeout", async () => {
    const client = startClient({ connectTimeoutMs: 4_000 });
    const delays: number[] = [];
    client.on("reconnecting", (r: ReconnectingInfo) => delays.push(r.delayMs));
    await settle(4_000);
    expect(lastSocket().closedByClient).toBeDefined();
    await settle(1_000);
    lastSocket().serverClose(1006);
    await settle(1_300);
    lastSocket().serverClose(1006);
    expect(delays.map(Math.round)).toEqual([1_000, 1_300, 1_690]);
    expect(FakeSocket.all).toHaveLength(3);
  });

  it("calls the token provider before every connect and sends the fresh token", async () => {
    let n = 0;
    const token = vi.fn(() => Promise.resolve(`tok${++n}`));
    const { socket } = await openClient({ token });
    socket.serverClose(1006);
    await settle(1_000);
    expect(token).toHaveBeenCalledTimes(2);
    expect(FakeSocket.all.map((s) => new URL(s.url).searchParams.get("token"))).toEqual(["tok1", "tok2"]);
  });

  it("retries with backoff when the token provider fails, and reports the failure", async () => {
    const token = vi.fn().mockRejectedValueOnce(new Error("auth down")).mockResolvedValue("ok");
    const client = startClient({ token });
    const errors: string[] = [];
    client.on("error", (e) => errors.push(e.message));
    await settle();
    expect(FakeSocket.all).toHaveLength(0);
    await settle(1_000);
    expect(errors).toEqual(["auth down"]);
    expect(lastSocket().url).toContain("token=ok");
  });

  it("re-subscribes its topics after a reconnect, before the frames buffered while offline", async () => {
    const { client, socket } = await openClient();
    const subscribed = client.subscribe(["room:1", "room:2"]);
    socket.reply(socket.frames[0]?.id, { topics: ["room:1", "room:2"] });
    await subscribed;
    socket.serverClose(1006);
    void client.call("later").catch(() => undefined);
    await settle(1_000);
    const next = lastSocket();
    next.open();
    expect(next.frames.map((f) => [f.method, f.params])).toEqual([["subscribe", { topics: ["room:1", "room:2"] }], ["later", undefined]]);
    expect(client.topics).toEqual(["room:1", "room:2"]);
  });

  it("forgets unsubscribed topics and topics the server refused", async () => {
    const { client, socket } = await openClient();
    void client.unsubscribe(["a"]).catch(() => undefined);
    const refused = client.subscribe(["a", "b"]);
    socket.receive({ jsonrpc: "2.0", id: socket.frames[1]?.id, error: { code: -32003, message: "too many topics" } });
    await expect(refused).rejects.toMatchObject({ code: -32003 });
    expect(client.topics).toEqual([]);
  });

  it("keeps calls buffered across a failed attempt and rejects only the ones in flight", async () => {
    const { client, socket } = await openClient();
    const inFlight = client.call("sent");
    socket.serverClose(1006);
    const buffered = client.call("queued");
    await expect(inFlight).rejects.toBeInstanceOf(ConnectionClosedError);
    await settle(1_000);
    lastSocket().open();
    lastSocket().reply(lastSocket().frames[0]?.id, "ok");
    await expect(buffered).resolves.toBe("ok");
  });

  it("replaces a socket that answers no heartbeat within one interval", async () => {
    const { client, socket } = await openClient({ heartbeatMs: 30_000 });
    const closes: CloseInfo[] = [];
    client.on("close", (c) => closes.push(c));
    await settle(60_000);
    expect(socket.closedByClient?.code).toBe(4000);
    expect(closes).toEqual([{ code: 4000, reason: "heartbeat timeout", willReconnect: true }]);
    await settle(1_000);
    expect(FakeSocket.all).toHaveLength(2);
  });
});

describe("RealtimeClient closing", () => {
  it("stops for good on close(): rejects pending and buffered calls, closes the socket with 1000, never reconnects", async () => {
    const { client, socket } = await openClient();
    const inFlight = client.call("a");
    const closes: CloseInfo[] = [];
    client.on("close", (c) => closes.push(c));
    client.close();
    await expect(inFlight).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(client.call("b")).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(socket.closedByClient?.code).toBe(1000);
    await settle(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(closes).toEqual([{ code: 1000, reason: "client closed", willReconnect: false }]);
    expect(client.state).toBe("closed");
  });

  it("does not reconnect while the first attempt is still fetching its token when close() is called", async () => {
    const client = startClient({ token: () => new Promise((resolve) => setTimeout(() => resolve("late"), 100)) });
    client.close();
    await settle(60_000);
    expect(FakeSocket.all).toHaveLength(0);
  });

  it.each([4001, 1008])("does not reconnect after the server closes with %i, and emits close with that code", async (code) => {
    const { client, socket } = await openClient();
    const closes: CloseInfo[] = [];
    client.on("close", (c) => closes.push(c));
    const pending = client.call("x");
    socket.serverClose(code, "bye");
    await expect(pending).rejects.toMatchObject({ code });
    await settle(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(closes).toEqual([{ code, reason: "bye", willReconnect: false }]);
    expect(client.state).toBe("closed");
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PushParams, ResetParams } from "../../src/realtime/client/index.ts";
import { lastSocket, openClient, settle, type FakeSocket } from "./fake-websocket.ts";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const push = (seq: number, data: unknown = seq) => ({ jsonrpc: "2.0", method: "message", params: { data, seq } });
const query = (socket: FakeSocket) => Object.fromEntries(new URL(socket.url).searchParams);

describe("RealtimeClient resume", () => {
  it("asks for lastSeq=latest on the first connect and resumes from the last seq it saw, with its topics", async () => {
    const { client, socket } = await openClient();
    expect(query(socket)).toMatchObject({ lastSeq: "latest" });
    socket.receive({ jsonrpc: "2.0", method: "resumed", params: { seq: 10, replayed: 0 } });
    const subscribed = client.subscribe(["news", "chat.lobby"]).then(() => undefined, () => undefined);
    socket.receive(push(11));
    socket.receive(push(12));
    expect(client.lastSeq).toBe(12);
    socket.serverClose(1012);
    await settle(1_000);
    expect(query(lastSocket())).toMatchObject({ lastSeq: "12", topics: "news,chat.lobby" });
    client.close();
    await subscribed;
  });

  it("uses the resumed baseline when nothing arrived before the socket dropped", async () => {
    const { client, socket } = await openClient();
    socket.receive({ jsonrpc: "2.0", method: "resumed", params: { seq: 40, replayed: 0 } });
    socket.serverClose(1006);
    await settle(1_000);
    expect(query(lastSocket()).lastSeq).toBe("40");
    client.close();
  });

  it("drops a push at or below the last seq (a duplicate) and delivers the replayed ones once, in order", async () => {
    const { client, socket } = await openClient();
    const got: PushParams[] = [];
    client.on("message", (m) => got.push(m));
    for (const seq of [1, 2, 2, 3, 1]) socket.receive(push(seq));
    expect(got.map((m) => m.seq)).toEqual([1, 2, 3]);
    client.close();
  });

  it("emits reset and starts over from the gateway's seq when the log no longer covers it", async () => {
    const { client, socket } = await openClient();
    const resets: ResetParams[] = [];
    client.on("reset", (r) => resets.push(r));
    socket.receive(push(50));
    socket.receive({ jsonrpc: "2.0", method: "reset", params: { lastSeq: 50, seq: 3, reason: "unknown_seq" } });
    const got: number[] = [];
    client.on("message", (m) => got.push(m.seq));
    socket.receive(push(4));
    expect(resets).toEqual([{ lastSeq: 50, seq: 3, reason: "unknown_seq" }]);
    expect(got).toEqual([4]);
    client.close();
  });
});

import { decode, encode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { chooseProtocol, decodeFrame, encodeFrame, frameBytes } from "../../src/realtime/codec.ts";
import { MAX_BATCH, processPayload, type Invoke } from "../../src/realtime/jsonrpc.ts";
import { failureResponse, RpcFailure } from "../../src/realtime/rpc-failure.ts";
import { SocketGuard } from "../../src/realtime/socket-guard.ts";
import { AppError, defineErrors, REALTIME_LIMITS, type RpcRequest } from "../../src/spec/index.ts";

const errors = defineErrors({ insufficient_funds: { status: 409, title: "Insufficient funds" } });

const echo: Invoke = (r: RpcRequest) => Promise.resolve(r.id === undefined ? null : { jsonrpc: "2.0", id: r.id, result: r.method });

describe("frame codec", () => {
  it("round-trips JSON text frames and MessagePack binary frames with the same shapes", () => {
    const value = { jsonrpc: "2.0", id: 1, result: { a: [1, "b", null] } };
    expect(decodeFrame(encodeFrame(value, "json") as string, "json")).toEqual({ ok: true, value });
    const binary = encodeFrame(value, "msgpack") as Uint8Array;
    expect(decode(binary)).toEqual(value);
    expect(decodeFrame(binary.slice().buffer, "msgpack")).toEqual({ ok: true, value });
  });

  it("reports unreadable frames instead of throwing", () => {
    expect(decodeFrame("{nope", "json").ok).toBe(false);
    expect(decodeFrame(new Uint8Array([1, 2]).buffer, "json")).toEqual({ ok: false, reason: "binary frames need the msgpack subprotocol" });
    expect(decodeFrame(new Uint8Array([0xc1]).buffer, "msgpack").ok).toBe(false);
    expect(decodeFrame(JSON.stringify({ a: 1 }), "msgpack")).toEqual({ ok: true, value: { a: 1 } });
    expect(decode(encode([1]))).toEqual([1]);
  });

  it("picks msgpack when offered, echoes json when offered, and defaults to json", () => {
    expect(chooseProtocol("json, msgpack")).toEqual({ protocol: "msgpack", echo: "msgpack" });
    expect(chooseProtocol("json")).toEqual({ protocol: "json", echo: "json" });
    expect(chooseProtocol(null)).toEqual({ protocol: "json" });
  });

  it("counts UTF-8 bytes of text frames near the limit", () => {
    expect(frameBytes("abc", 10)).toBe(3);
    expect(frameBytes("é".repeat(10), 10)).toBe(20);
    expect(frameBytes(new ArrayBuffer(7), 10)).toBe(7);
  });
});

describe("JSON-RPC processing", () => {
  it("answers a request, and nothing to a notification", async () => {
    expect(await processPayload({ jsonrpc: "2.0", id: 1, method: "m" }, echo)).toEqual({ jsonrpc: "2.0", id: 1, result: "m" });
    expect(await processPayload({ jsonrpc: "2.0", method: "m" }, echo)).toBeNull();
  });

  it("answers invalid requests with -32600 and id null, whatever their shape", async () => {
    for (const bad of [1, "x", null, { jsonrpc: "1.0", id: 1, method: "m" }, { jsonrpc: "2.0", id: 1 }, { jsonrpc: "2.0", id: {}, method: "m" }, { jsonrpc: "2.0", method: "m", params: 3 }, { jsonrpc: "2.0", method: "m", extra: 1 }]) {
      expect(await processPayload(bad, echo)).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "Invalid Request" } });
    }
  });

  it("keeps batch order, drops notifications, and answers an all-notification batch with nothing", async () => {
    const batch = [{ jsonrpc: "2.0", id: "a", method: "x" }, { jsonrpc: "2.0", method: "n" }, 5, { jsonrpc: "2.0", id: 2, method: "y" }];
    expect(await processPayload(batch, echo)).toEqual([
      { jsonrpc: "2.0", id: "a", result: "x" },
      expect.objectContaining({ id: null, error: expect.objectContaining({ code: -32600 }) as unknown }),
      { jsonrpc: "2.0", id: 2, result: "y" },
    ]);
    expect(await processPayload([{ jsonrpc: "2.0", method: "n" }], echo)).toBeNull();
    expect(await processPayload([], echo)).toMatchObject({ id: null, error: { code: -32600 } });
  });

  it(`refuses a batch over ${MAX_BATCH} requests as one -32600`, async () => {
    const batch = Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "m" }));
    expect(await processPayload(batch, echo)).toMatchObject({ id: null, error: { code: -32600 } });
  });
});

describe("error mapping", () => {
  it("maps failures to their codes and never leaks an internal message", () => {
    expect(failureResponse(1, new RpcFailure("limit_exceeded", "Too many topics", { limit: 100 }))).toEqual({ jsonrpc: "2.0", id: 1, error: { code: -32003, message: "Too many topics", data: { limit: 100 } } });
    expect(failureResponse(2, new AppError(errors.insufficient_funds, "balance 0"))).toMatchObject({ error: { code: -32010, data: { code: "insufficient_funds", status: 409 } } });
    expect(failureResponse(3, new AppError("mailbox_full", "full"))).toMatchObject({ error: { code: -32000 } });
    expect(failureResponse(4, new AppError("timeout", "slow"))).toMatchObject({ error: { code: -32004 } });
    const hidden = failureResponse(5, new Error("secret database detail"));
    expect(hidden).toEqual({ jsonrpc: "2.0", id: 5, error: { code: -32603, message: "Internal error" } });
  });
});

describe("socket guard", () => {
  const ws = {} as WebSocket;
  it("accepts up to the frame-rate limit in a window, rejects beyond, closes beyond twice, and opens a new window after 1 s", () => {
    const guard = new SocketGuard();
    const verdicts = Array.from({ length: 2 * REALTIME_LIMITS.framesPerSecond + 1 }, () => guard.check(ws, "{}", 1000).action);
    expect(verdicts.filter((v) => v === "accept")).toHaveLength(REALTIME_LIMITS.framesPerSecond);
    expect(verdicts.filter((v) => v === "reject")).toHaveLength(REALTIME_LIMITS.framesPerSecond);
    expect(verdicts.at(-1)).toBe("close");
    expect(guard.check({} as WebSocket, "{}", 1000).action).toBe("accept");
    expect(guard.check(ws, "{}", 2000).action).toBe("accept");
  });

  it("rejects oversize frames and closes with 1009 on the third", () => {
    const guard = new SocketGuard();
    const big = new ArrayBuffer(REALTIME_LIMITS.maxFrameBytes + 1);
    expect(guard.check(ws, new ArrayBuffer(REALTIME_LIMITS.maxFrameBytes), 0).action).toBe("accept");
    expect([guard.check(ws, big, 0), guard.check(ws, big, 0), guard.check(ws, big, 0)].map((v) => (v.action === "close" ? v.code : v.action))).toEqual(["reject", "reject", 1009]);
  });
});

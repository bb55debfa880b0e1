import { describe, expect, it } from "vitest";
import { clock, clockControl } from "../../src/clock.ts";
import { REALTIME_LIMITS } from "../../src/spec/index.ts";
import { connect, req, type TestSocket } from "./socket-helpers.ts";

const fresh = (prefix = "lim") => `${prefix}-${crypto.randomUUID().slice(0, 12)}`;
const { maxFrameBytes, framesPerSecond, socketsPerUser, topicsPerSocket } = REALTIME_LIMITS;
/** A valid ping request padded with whitespace to exactly `bytes` bytes. */
const padded = (id: number, bytes: number) => {
  const frame = JSON.stringify(req(id, "ping"));
  return frame + " ".repeat(bytes - frame.length);
};

describe("socket limits, each at its number", () => {
  it("takes a 64 KiB frame, refuses 64 KiB + 1 with -32001, and closes with 1009 on the third", async () => {
    const s = await connect(fresh());
    expect(await s.call(padded(1, maxFrameBytes))).toMatchObject({ id: 1, result: { pong: true } });
    expect(await s.call(padded(2, maxFrameBytes + 1))).toMatchObject({ id: null, error: { code: -32001, data: { limit: maxFrameBytes, bytes: maxFrameBytes + 1 } } });
    expect(await s.call(padded(3, maxFrameBytes + 1))).toMatchObject({ error: { code: -32001 } });
    s.ws.send(padded(4, maxFrameBytes + 1));
    expect((await s.waitClosed()).code).toBe(1009);
  });

  it(`answers frames beyond ${framesPerSecond} a second with -32000, and closes with 1008 beyond twice that`, async () => {
    // The gateway counts frames in one-second windows. The clock is held still, so the whole burst
    // falls in one window however slowly a loaded machine takes it.
    clockControl.hold();
    try {
      const s = await connect(fresh());
      for (let i = 1; i <= 2 * framesPerSecond + 1; i++) s.ws.send(JSON.stringify(req(i, "ping")));
      expect((await s.waitClosed(30_000)).code).toBe(1008);
      // Frames 1–100 answered, 101–200 refused with -32000, and the 201st closed the socket.
      const frames = s.frames as { result?: unknown; error?: { code: number; data?: { limit: number } } }[];
      expect(frames).toHaveLength(2 * framesPerSecond);
      expect(frames.slice(0, framesPerSecond).every((f) => f.result !== undefined)).toBe(true);
      expect(frames.slice(framesPerSecond).every((f) => f.error?.code === -32000 && f.error.data?.limit === framesPerSecond)).toBe(true);
    } finally {
      clockControl.release();
    }
  }, 60_000);

  it(`closes the oldest socket with 4001 when a user opens socket ${socketsPerUser + 1}`, async () => {
    const user = fresh();
    const sockets: TestSocket[] = [];
    for (let i = 0; i < socketsPerUser; i++) sockets.push(await connect(user));
    for (const [i, s] of sockets.entries()) expect(await s.call(req(i, "ping"))).toMatchObject({ result: { pong: true } });
    sockets.push(await connect(user));
    expect((await sockets[0]!.waitClosed()).code).toBe(4001);
    expect(sockets.slice(1).every((s) => s.closed === undefined)).toBe(true);
    expect(await sockets[socketsPerUser]!.call(req(1, "ping"))).toMatchObject({ result: { pong: true } });
  });

  it(`lets a socket follow ${topicsPerSocket} topics and refuses one more with -32003`, async () => {
    const s = await connect(fresh());
    const topics = Array.from({ length: topicsPerSocket }, (_, i) => `t${i}`);
    expect(await s.call(req(1, "subscribe", { topics }))).toMatchObject({ result: { topics: expect.any(Array) as unknown } });
    expect(await s.call(req(2, "subscribe", { topics: ["t0", "t1"] }))).toMatchObject({ result: {} });
    expect(await s.call(req(3, "subscribe", { topics: ["one-more"] }))).toMatchObject({ id: 3, error: { code: -32003, data: { limit: topicsPerSocket } } });
  });
});

/** A deterministic generator, so a failing fuzz run can be replayed. */
function prng(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** Malformed frames only: none of them is a valid request or notification, so each earns exactly one error frame. */
function malformed(random: () => number, hugeLeft: { n: number }): string | ArrayBuffer {
  const pick = Math.floor(random() * 7);
  const junk = () => Array.from({ length: 1 + Math.floor(random() * 40) }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join("");
  if (pick === 0) return `{${junk()}`;
  if (pick === 1) return JSON.stringify(random() < 0.5 ? Math.floor(random() * 1e6) : junk());
  if (pick === 2) return JSON.stringify({ jsonrpc: random() < 0.5 ? "1.0" : 2, method: "ping", id: 1 });
  if (pick === 3) return JSON.stringify({ jsonrpc: "2.0", method: random() < 0.5 ? 7 : "", id: junk() });
  if (pick === 4) return JSON.stringify({ jsonrpc: "2.0", method: "ping", params: random() < 0.5 ? 5 : "x", id: 2 });
  if (pick === 5 && hugeLeft.n > 0) return (hugeLeft.n--, "[" + "1,".repeat(maxFrameBytes) + "1]");
  return new Uint8Array(Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256))).buffer;
}

describe("fuzz", () => {
  it("answers 1,000 malformed frames with error frames, never an exception, and leaves a neighbour untouched", async () => {
    const random = prng(20261201);
    const neighbour = await connect(fresh("neighbour"));
    const sockets = await Promise.all(Array.from({ length: 10 }, () => connect(fresh("fuzz"))));
    for (const s of sockets) {
      const hugeLeft = { n: 2 };
      for (let i = 0; i < 100; i++) s.ws.send(malformed(random, hugeLeft));
    }
    for (const s of sockets) {
      await s.waitFor(100, 10_000);
      expect(s.closed).toBeUndefined();
      expect(s.frames).toHaveLength(100);
      for (const f of s.frames) expect([-32700, -32600, -32001]).toContain(Array.isArray(f) ? (f[0] as { error: { code: number } }).error.code : (f as { error: { code: number } }).error.code);
    }
    expect(neighbour.frames).toEqual([]);
    expect(await neighbour.call(req(1, "ping"))).toMatchObject({ id: 1, result: { pong: true } });
    clockControl.moveTo(clock.now() + 1_100); // a fuzzed socket used its 100 frames of this second: the next one
    expect(await sockets[0]!.call(req(2, "whoami"))).toMatchObject({ id: 2, result: { user: expect.stringMatching(/^fuzz-/) as unknown } });
  });
});

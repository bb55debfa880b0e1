import { decode, encode } from "@msgpack/msgpack";
import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clock, clockControl } from "../../src/clock.ts";
import { BASE } from "./helpers.ts";
import { tokenFor } from "./socket-helpers.ts";
import { digest, firstDifference, FUZZ_SEED, fuzzBody, mutatedBody, settled, withDeadline } from "./fuzz-inputs.ts";

/** Frames in all, over JSON and MessagePack sockets. */
const TOTAL_FRAMES = 1_200;
/** Frames a socket sends per second of its own: the gateway allows 100 in each of its one-second windows, which need not line up with ours. */
const FRAMES_PER_SECOND = 45;
const DEADLINE_MS = 10_000;
/** The gateway's frame size limit: three frames past it close the socket (1009), as documented and tested elsewhere. */
const MAX_FRAME_BYTES = 65_536;

/** Valid params per method: frames mutate them, so they reach the handlers. */
const METHODS: Record<string, unknown> = {
  subscribe: { topics: ["fuzz.a"] },
  unsubscribe: { topics: ["fuzz.a"] },
  publish: { topic: "fuzz.a", data: { x: 1 } },
  send: { to: "fuzz-ws-1", data: { x: [1, "y"] } },
  presence: { topic: "fuzz.a" },
  ping: {},
  "counter.add": { key: "fuzz-ws", by: 1 },
  "account.withdraw": { key: "fuzz-ws", amount: 1 },
  "chat.post": { room: "fuzz", text: "hi" },
  whoami: {},
  "admin.only": {},
  subtract: [42, 23],
  sum: [1, 2, 4],
};

type Frame = string | Uint8Array;
/** MessagePack, or the text's bytes when the value nests too deep for the encoder. */
const pack = (value: unknown): Uint8Array => {
  try {
    return encode(value);
  } catch {
    return new TextEncoder().encode(JSON.stringify(value));
  }
};

/** A JSON-RPC frame with any part wrong, or anything else a client may send. */
function frames(binary: boolean): fc.Arbitrary<{ kind: string; frame: Frame }> {
  const call = fc
    .record({
      jsonrpc: fc.constantFrom("2.0", "2.0", "2.0", "1.0", 2, null),
      id: fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null), fc.constant({ a: 1 }), fc.constant(undefined)),
      method: fc.oneof(fc.constantFrom(...Object.keys(METHODS)), fc.string({ maxLength: 20 }), fc.constantFrom("rpc.discover", "__proto__", "constructor", "")),
    })
    .chain(({ jsonrpc, id, method }) => (!Object.hasOwn(METHODS, method) ? fc.jsonValue({ maxDepth: 3 }) : fc.oneof(fc.constant(METHODS[method]), mutatedBody(METHODS[method]).map((b) => JSON.parse(String(b.body) || "null") as unknown))).map((params) => ({ kind: "call", value: { jsonrpc, ...(id === undefined ? {} : { id }), method, params } })));
  const bodies = fuzzBody.map((b) => ({ kind: `body: ${b.kind}`, text: b.body }));
  return fc.oneof(
    call.map(({ kind, value }) => ({ kind, frame: binary ? pack(value) : JSON.stringify(value) })),
    bodies.map(({ kind, text }) => ({ kind, frame: binary && typeof text === "string" ? pack(safeParse(text)) : text })),
    // MessagePack arrays of one, nested `depth` deep (0x91 … 0x01): a deep frame that costs the client nothing to build.
    fc.constantFrom(63, 64, 65, 1_000, 20_000).map((depth) => ({ kind: "deep msgpack", frame: Uint8Array.from([...new Array<number>(depth).fill(0x91), 0x01]) })),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: "random bytes", frame: bytes })),
    fc.string({ maxLength: 64 }).map((text) => ({ kind: "random text", frame: text })),
  ).filter(({ frame }) => (typeof frame === "string" ? new TextEncoder().encode(frame).length : frame.length) <= MAX_FRAME_BYTES); // the size limit has its own tests
}

const safeParse = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

const unpack = (data: unknown): unknown => {
  try {
    return decode(new Uint8Array(data as ArrayBuffer));
  } catch (err) {
    return { undecodable: String(err), bytes: data instanceof ArrayBuffer ? data.byteLength : typeof data };
  }
};

const isSync = (id: unknown): boolean => typeof id === "string" && id.startsWith("sync-");

interface FuzzSocket {
  send(frame: Frame): void;
  /** Sends a ping with `id` and resolves with every frame received up to its reply (or "hung"). */
  sync(id: string): Promise<unknown[] | "hung">;
  closed(): { code: number } | undefined;
}

async function open(user: string, binary: boolean): Promise<FuzzSocket> {
  const res = await exports.default.fetch(`${BASE}/ws/${user}`, { headers: { Upgrade: "websocket", Authorization: `Bearer ${await tokenFor(user)}`, ...(binary ? { "Sec-WebSocket-Protocol": "msgpack" } : {}) } });
  const ws = res.webSocket;
  if (res.status !== 101 || !ws) throw new Error(`upgrade answered ${res.status}`);
  ws.accept();
  ws.binaryType = "arraybuffer";
  const received: unknown[] = [];
  let close: { code: number } | undefined;
  let waiter: (() => void) | undefined;
  ws.addEventListener("message", (e) => {
    received.push(typeof e.data === "string" ? safeParse(e.data) : unpack(e.data));
    waiter?.();
  });
  ws.addEventListener("close", (e) => {
    close = { code: e.code };
    waiter?.();
  });
  // The gateway counts frames per second of the platform's clock: a full window moves the clock
  // to the next second instead of waiting for it.
  let window = { start: clock.now(), frames: 0 };
  const pace = () => {
    if (clock.now() - window.start >= 1_000) window = { start: clock.now(), frames: 0 };
    if (window.frames >= FRAMES_PER_SECOND) {
      clockControl.moveTo(window.start + 1_005);
      window = { start: clock.now(), frames: 0 };
    }
    window.frames++;
  };
  let pending = Promise.resolve();
  return {
    send: (frame) => void (pending = pending.then(pace).then(() => ws.send(frame))),
    sync: async (id) => {
      await pending;
      pace();
      const ping = { jsonrpc: "2.0", id, method: "ping", params: {} };
      ws.send(binary ? encode(ping) : JSON.stringify(ping));
      const done = (): boolean => received.some((f) => (f as { id?: unknown } | null)?.id === id);
      const reply = await withDeadline(
        new Promise<void>((resolve) => {
          waiter = () => {
            if (done() || close) resolve();
          };
          waiter();
        }),
        DEADLINE_MS,
      );
      if (reply === "hung" && !done() && !close) return "hung";
      return received.splice(0, received.length);
    },
    closed: () => close,
  };
}

describe("fuzz: WebSocket frames over JSON and MessagePack sockets", () => {
  it(`answers ${TOTAL_FRAMES}+ hostile frames with results or JSON-RPC errors, never -32603 or a dropped socket, never hangs; a refused frame writes nothing`, async () => {
    const sockets = await Promise.all(Array.from({ length: 12 }, async (_, i) => ({ binary: i % 3 === 2, socket: await open(`fuzz-ws-${i}`, i % 3 === 2) })));
    const counts = { frames: 0, refused: 0, answered: 0, silent: 0, internal: 0, hung: 0, closed: 0, refusedReplayed: 0 };
    const failures: string[] = [];
    const refused: { index: number; frame: Frame }[] = [];
    let syncs = 0;

    const run = async (index: number, frame: Frame, replay: boolean) => {
      const { socket } = sockets[index] ?? { socket: undefined };
      if (!socket) return;
      socket.send(frame);
      const got = await socket.sync(`sync-${++syncs}`);
      const fail = (what: string) => failures.push(`socket ${index}: ${what} after ${String(frame).slice(0, 120)}`);
      if (got === "hung") {
        counts.hung++;
        fail("no answer to a ping");
        return;
      }
      const replies = got.filter((f) => !isSync((f as { id?: unknown } | null)?.id));
      const errors = replies.filter((f) => (f as { error?: unknown } | null)?.error !== undefined) as { error: { code: number; message: string } }[];
      for (const e of errors.filter((r) => r.error.code === -32603)) {
        counts.internal++;
        fail(`internal error ${e.error.message}`);
      }
      if (socket.closed()) {
        counts.closed++;
        fail(`closed (${socket.closed()?.code})`);
        sockets[index] = { binary: sockets[index]?.binary ?? false, socket: await open(`fuzz-ws-${index}`, sockets[index]?.binary ?? false) };
      }
      if (replay) {
        counts.refusedReplayed++;
        return;
      }
      counts.frames++;
      if (replies.length === 0) counts.silent++;
      else if (errors.length < replies.length) counts.answered++;
      else {
        counts.refused++;
        refused.push({ index, frame });
      }
    };

    const perSocket = Math.ceil(TOTAL_FRAMES / sockets.length);
    await Promise.all(sockets.map(async ({ binary }, index) => {
      for (const { frame } of fc.sample(frames(binary), { numRuns: perSocket, seed: FUZZ_SEED + 2_000 + index })) await run(index, frame, false);
    }));
    const before = await settled();
    const byIndex = Map.groupBy(refused, (r) => r.index);
    await Promise.all([...byIndex.entries()].map(async ([index, items]) => {
      for (const { frame } of items) await run(index, frame, true);
    }));
    const after = await digest();
    if (after !== before) failures.push(`a refused frame changed state: ${firstDifference(before, after)}`);

    console.log(`[report] fuzz ws (seed ${FUZZ_SEED}): ${JSON.stringify({ sockets: sockets.length, ...counts })}`);
    expect(failures).toStrictEqual([]);
    expect(counts.frames).toBeGreaterThanOrEqual(TOTAL_FRAMES);
  }, 120_000);
});

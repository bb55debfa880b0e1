import { decode, encode } from "@msgpack/msgpack";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { depthOf, MAX_JSON_DEPTH } from "../../src/spec/index.ts";
import { Account } from "../../examples/demo/account.ts";
import { EchoJob } from "../../examples/demo/jobs.ts";
import { cluster } from "../fixtures/worker.ts";
import { freshKey, rows, send } from "./entity-helpers.ts";
import { admin, BASE } from "./helpers.ts";
import { connect, req } from "./socket-helpers.ts";

/** `n` arrays, one inside the other: depth n. */
const nest = (n: number, inner: unknown = 1): unknown => {
  let value: unknown = inner;
  for (let i = 0; i < n; i++) value = [value];
  return value;
};
const post = (path: string, body: unknown) => exports.default.fetch(`${BASE}${path}`, { method: "POST", headers: admin({ "content-type": "application/json" }), body: typeof body === "string" ? body : JSON.stringify(body) });
const codeOf = async (res: Response) => (await res.json<{ code?: string }>()).code;

describe(`client JSON nests at most ${MAX_JSON_DEPTH} deep`, () => {
  it("measures depth without recursion, and stops once past the limit", () => {
    expect([depthOf(1), depthOf([]), depthOf({ a: [{}] }), depthOf(nest(MAX_JSON_DEPTH))]).toEqual([0, 1, 3, MAX_JSON_DEPTH]);
    expect(depthOf(nest(100_000))).toBe(MAX_JSON_DEPTH + 1);
    expect(depthOf({ bytes: new Uint8Array(10) })).toBe(1);
  });

  const routes = [
    { name: "an entity message", path: () => `/v1/entities/Counter/${freshKey("deep")}/increment` },
    { name: "a user push", path: () => "/v1/users/deep-user/messages" },
    { name: "a topic publish", path: () => "/v1/topics/deep.topic/messages" },
    { name: "an event publish", path: () => "/v1/events" },
    { name: "a job submit", path: () => "/v1/jobs" },
    { name: "a saga start", path: () => "/v1/sagas/transfer" },
    { name: "a token mint", path: () => "/v1/auth/tokens" },
  ];
  for (const { name, path } of routes) {
    it(`refuses ${name} nested ${MAX_JSON_DEPTH + 1} deep and one of 5,000 arrays (10 KB) with 400 payload_too_deep`, async () => {
      for (const body of [{ data: nest(MAX_JSON_DEPTH) }, "[".repeat(5_000) + "]".repeat(5_000)]) {
        const res = await post(path(), body);
        expect(res.status).toBe(400);
        expect(res.headers.get("content-type")).toMatch(/problem\+json/);
        expect(await codeOf(res)).toBe("payload_too_deep");
      }
    });
  }

  it(`takes a body of exactly ${MAX_JSON_DEPTH} levels`, async () => {
    const res = await post("/v1/users/deep-user/messages", { data: nest(MAX_JSON_DEPTH - 1) });
    expect(res.status).toBe(200);
  });

  it("writes nothing for a refused entity message", async () => {
    const key = freshKey("deep");
    const res = await send("Counter", key, "increment", { by: 1, extra: nest(MAX_JSON_DEPTH) });
    expect(res.status).toBe(400);
    expect(await rows("Counter", key, "SELECT * FROM entities WHERE entity_key = ?", key)).toEqual([]);
  });

  it("refuses a topic publish whole: a follower gets nothing of it", async () => {
    const s = await connect(`deep-${crypto.randomUUID().slice(0, 8)}`);
    expect(await s.call(req(1, "subscribe", { topics: ["deep.whole"] }))).toMatchObject({ id: 1 });
    expect((await post("/v1/topics/deep.whole/messages", { data: nest(MAX_JSON_DEPTH) })).status).toBe(400);
    expect((await post("/v1/topics/deep.whole/messages", { data: "after" })).status).toBe(200);
    const [, first] = await s.waitFor(2);
    expect(first).toMatchObject({ method: "message", params: { data: "after" } });
  });
});

describe("the helpers of createCluster refuse a value nested too deep before any object is called", () => {
  it("in messages, events, jobs, sagas and realtime pushes", async () => {
    const deep = nest(MAX_JSON_DEPTH + 1);
    const refusals = [
      cluster.router(env).to(Account).request(freshKey("deep"), "deposit", { amount: deep as never }),
      cluster.events(env).publish("counter.incremented", deep),
      cluster.jobs(env).submit(EchoJob, { message: deep as never }),
      cluster.sagas(env).start("transfer", deep),
      cluster.realtime(env).publish("deep.helpers", deep),
      cluster.realtime(env).sendToUser("deep-user", deep),
    ];
    for (const outcome of await Promise.allSettled(refusals)) expect(outcome).toMatchObject({ status: "rejected", reason: { code: "payload_too_deep" } });
  });
});

describe(`socket frames nest at most ${MAX_JSON_DEPTH} deep`, () => {
  it("answers a deeper JSON frame with -32600 and takes one at the limit", async () => {
    const s = await connect(`deep-${crypto.randomUUID().slice(0, 8)}`);
    // The frame object is one level: params may nest MAX_JSON_DEPTH - 1 more.
    expect(await s.call(req(1, "update", nest(MAX_JSON_DEPTH - 1)))).toMatchObject({ id: 1, result: null });
    expect(await s.call(req(2, "update", nest(MAX_JSON_DEPTH)))).toMatchObject({ id: null, error: { code: -32600, data: { reason: expect.stringMatching(/more than 64 deep/) as unknown } } });
    expect(await s.call("[".repeat(5_000) + "]".repeat(5_000))).toMatchObject({ error: { code: -32600 } });
    expect(await s.call(req(3, "ping"))).toMatchObject({ id: 3, result: { pong: true } });
  });

  it("does the same for MessagePack frames", async () => {
    const s = await connect(`deep-${crypto.randomUUID().slice(0, 8)}`, { protocol: "msgpack" });
    s.ws.binaryType = "arraybuffer";
    const call = async (frame: unknown) => {
      const reply = await s.call(encode(frame));
      return decode(new Uint8Array(reply as ArrayBuffer));
    };
    expect(await call(req(1, "update", nest(MAX_JSON_DEPTH - 1)))).toMatchObject({ id: 1, result: null });
    expect(await call(req(2, "update", nest(MAX_JSON_DEPTH)))).toMatchObject({ id: null, error: { code: -32600 } });
    // 5,000 one-element arrays (0x91) around a 1, written by hand: the encoder itself stops at 100.
    const deep = new Uint8Array(5_001).fill(0x91);
    deep[5_000] = 0x01;
    expect(decode(new Uint8Array((await s.call(deep)) as ArrayBuffer))).toMatchObject({ error: { code: -32600 } });
  });
});

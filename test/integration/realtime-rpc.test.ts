import { describe, expect, it } from "vitest";
import { send } from "./entity-helpers.ts";
import { connect, req } from "./socket-helpers.ts";

const fresh = (prefix = "rpc") => `${prefix}-${crypto.randomUUID().slice(0, 12)}`;

describe("JSON-RPC 2.0 conformance: the specification's examples", () => {
  it("answers positional and named params, and -32601 for an unknown method", async () => {
    const s = await connect(fresh());
    expect(await s.call('{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}')).toEqual({ jsonrpc: "2.0", result: 19, id: 1 });
    expect(await s.call('{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}')).toEqual({ jsonrpc: "2.0", result: -19, id: 2 });
    expect(await s.call('{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}')).toEqual({ jsonrpc: "2.0", result: 19, id: 3 });
    expect(await s.call('{"jsonrpc": "2.0", "method": "foobar", "id": "1"}')).toMatchObject({ jsonrpc: "2.0", error: { code: -32601, message: "Method not found" }, id: "1" });
  });

  it("answers nothing to notifications, even of unknown methods", async () => {
    const s = await connect(fresh());
    s.ws.send('{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}');
    s.ws.send('{"jsonrpc": "2.0", "method": "foobar"}');
    // A call sent after them is the signal: frames are answered in order, so an answer to a
    // notification would arrive before this one.
    expect(await s.call('{"jsonrpc": "2.0", "method": "ping", "id": "after"}')).toMatchObject({ id: "after" });
    expect(s.frames).toEqual([expect.objectContaining({ id: "after" })]);
  });

  it("answers -32700 with id null to invalid JSON, and -32600 to an invalid request", async () => {
    const s = await connect(fresh());
    expect(await s.call('{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]')).toMatchObject({ jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null });
    expect(await s.call('{"jsonrpc": "2.0", "method": 1, "params": "bar"}')).toMatchObject({ jsonrpc: "2.0", error: { code: -32600, message: "Invalid Request" }, id: null });
    expect(await s.call('[ {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"}, {"jsonrpc": "2.0", "method" ]')).toMatchObject({ error: { code: -32700 }, id: null });
  });

  it("answers the empty batch with one -32600, and [1] and [1,2,3] with one -32600 each", async () => {
    const s = await connect(fresh());
    expect(await s.call("[]")).toMatchObject({ jsonrpc: "2.0", error: { code: -32600, message: "Invalid Request" }, id: null });
    const one = (await s.call("[1]")) as unknown[];
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ error: { code: -32600 }, id: null });
    const three = (await s.call("[1,2,3]")) as unknown[];
    expect(three).toHaveLength(3);
    for (const r of three) expect(r).toMatchObject({ jsonrpc: "2.0", error: { code: -32600, message: "Invalid Request" }, id: null });
  });

  it("answers a mixed batch with the responses of its requests only", async () => {
    const s = await connect(fresh());
    const batch = `[
      {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
      {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
      {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
      {"foo": "boo"},
      {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
      {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
    ]`;
    const answer = (await s.call(batch)) as { id: unknown }[];
    expect(answer).toHaveLength(5);
    expect(answer).toContainEqual({ jsonrpc: "2.0", result: 7, id: "1" });
    expect(answer).toContainEqual({ jsonrpc: "2.0", result: 19, id: "2" });
    expect(answer.find((r) => r.id === null)).toMatchObject({ error: { code: -32600 } });
    expect(answer.find((r) => r.id === "5")).toMatchObject({ error: { code: -32601 } });
    expect(answer).toContainEqual({ jsonrpc: "2.0", result: ["hello", 5], id: "9" });
  });

  it("answers nothing at all to an all-notification batch", async () => {
    const s = await connect(fresh());
    s.ws.send('[{"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]}, {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}]');
    expect(await s.call('{"jsonrpc": "2.0", "method": "ping", "id": "after"}')).toMatchObject({ id: "after" });
    expect(s.frames).toEqual([expect.objectContaining({ id: "after" })]);
  });
});

describe("methods", () => {
  it("answers -32602 with the failing zod paths", async () => {
    const s = await connect(fresh());
    expect(await s.call(req(1, "counter.add", { key: "k", by: "one" }))).toMatchObject({ id: 1, error: { code: -32602, message: "Invalid params", data: { errors: [{ path: "by" }] } } });
    expect(await s.call(req(2, "subscribe", { topics: "news" }))).toMatchObject({ id: 2, error: { code: -32602, data: { errors: [{ path: "topics" }] } } });
  });

  it("refuses by policy with -32002: publish outside chat.*, another user's private topic, and authorize false", async () => {
    const user = fresh();
    const s = await connect(user);
    expect(await s.call(req(1, "publish", { topic: "news", data: 1 }))).toMatchObject({ error: { code: -32002 } });
    expect(await s.call(req(2, "subscribe", { topics: ["private.someone-else"] }))).toMatchObject({ error: { code: -32002 } });
    expect(await s.call(req(3, "subscribe", { topics: [`private.${user}`] }))).toMatchObject({ result: { topics: [`private.${user}`] } });
    expect(await s.call(req(4, "admin.only"))).toMatchObject({ error: { code: -32002 } });
  });

  it("lets a client publish to a chat topic, send to a user, and see presence", async () => {
    const [alice, bob] = [fresh("alice"), fresh("bob")];
    const [a, b] = [await connect(alice), await connect(bob)];
    await b.call(req("s", "subscribe", { topics: ["chat.lobby"] }));
    expect(await a.call(req("p", "chat.post", { room: "lobby", text: "hi" }))).toMatchObject({ result: { delivered: 1 } });
    expect((await b.waitFor(2))[1]).toMatchObject({ method: "message", params: { topic: "chat.lobby", from: alice, data: { text: "hi" } } });
    expect(await a.call(req("d", "send", { to: bob, data: "psst" }))).toMatchObject({ result: { delivered: 1 } });
    expect((await b.waitFor(3))[2]).toMatchObject({ params: { from: alice, data: "psst" } });
    expect(await a.call(req("w", "presence", { topic: "chat.lobby" }))).toMatchObject({ result: { topic: "chat.lobby", users: [bob] } });
    expect(await a.call(req(9, "ping"))).toMatchObject({ id: 9, result: { pong: true } });
  });

  it("answers an entity's refusal as -32010 with the problem, and applies a call retried on another socket once", async () => {
    const user = fresh();
    const key = `rpc-${crypto.randomUUID()}`;
    const [first, second] = [await connect(user), await connect(user)];
    const call = req(`client-x:1`, "counter.add", { key, by: 5 });
    const replies = [await first.call(call), await second.call(call)];
    expect(replies[0]).toEqual({ jsonrpc: "2.0", id: "client-x:1", result: { value: 5 } });
    expect(replies[1]).toEqual(replies[0]);
    expect(await (await send("Counter", key, "get")).json()).toEqual({ value: 5 });
    expect(await first.call(req(2, "account.withdraw", { key, amount: 10 }))).toMatchObject({ id: 2, error: { code: -32010, data: { code: "insufficient_funds", status: 409 } } });
  });
});

import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, BASE } from "./helpers.ts";
import { connect, req, tokenFor, type TestSocket } from "./socket-helpers.ts";
import { openStream } from "./sse-helpers.ts";

const fresh = (p: string) => `${p}-${crypto.randomUUID().slice(0, 8)}`;
const push = (user: string, body: unknown) => exports.default.fetch(`${BASE}/v1/users/${user}/messages`, { method: "POST", headers: admin({ "content-type": "application/json" }), body: JSON.stringify(body) });
const messages = (s: TestSocket) => s.frames.filter((f) => (f as { method?: string }).method === "message").map((f) => (f as { params: { data: unknown } }).params.data);

describe("realtime across tenants", () => {
  it("lets a tenant's user reach only that tenant's sessions of another user, whatever the policy allows", async () => {
    const alice = fresh("alice");
    const [aliceA, aliceB, aliceNone] = [await connect(alice, { token: await tokenFor(alice, { tenant: "ta" }) }), await connect(alice, { token: await tokenFor(alice, { tenant: "tb" }) }), await connect(alice)];
    const [m, b] = [fresh("mallory"), fresh("bob")];
    const mallory = await connect(m, { token: await tokenFor(m, { tenant: "tb" }) });
    const bob = await connect(b, { token: await tokenFor(b, { tenant: "ta" }) });
    // The demo policy lets anyone send: tenant b's user reaches alice's tenant-b session only.
    expect(await mallory.call(req(1, "send", { to: alice, data: "from tb" }))).toMatchObject({ id: 1, result: { delivered: 1 } });
    expect(await bob.call(req(2, "send", { to: alice, data: "from ta" }))).toMatchObject({ id: 2, result: { delivered: 1 } });
    expect((await push(alice, { data: "admin, no tenant" })).status).toBe(200);
    expect(await (await push(alice, { data: "admin, ta", tenant: "ta" })).json()).toMatchObject({ delivered: 1 });
    await aliceA.waitFor(2);
    await aliceB.waitFor(1);
    await aliceNone.waitFor(1);
    expect([messages(aliceA), messages(aliceB), messages(aliceNone)]).toEqual([["from ta", "admin, ta"], ["from tb"], ["admin, no tenant"]]);
  });

  it("streams a tenant's user's messages over SSE only to that tenant's stream", async () => {
    const alice = fresh("alice");
    const stream = await openStream(alice, `/v1/sse/users/${alice}`, { Authorization: `Bearer ${await tokenFor(alice, { tenant: "ta" })}` });
    for (const body of [{ data: "no tenant" }, { data: "tb", tenant: "tb" }, { data: "ta", tenant: "ta" }]) expect((await push(alice, body)).status).toBe(200);
    const [event] = await stream.waitFor(1);
    expect(JSON.parse(event?.data ?? "")).toMatchObject({ data: "ta" });
    await stream.cancel();
  });

  it("answers presence only on a topic the caller may subscribe to", async () => {
    const alice = fresh("alice");
    const a = await connect(alice);
    expect(await a.call(req(1, "subscribe", { topics: [`private.${alice}`] }))).toMatchObject({ id: 1, result: {} });
    const bob = await connect(fresh("bob"));
    expect(await bob.call(req(2, "presence", { topic: `private.${alice}` }))).toMatchObject({ id: 2, error: { code: -32002, data: { topic: `private.${alice}` } } });
    expect(await a.call(req(3, "presence", { topic: `private.${alice}` }))).toMatchObject({ id: 3, result: { users: [alice] } });
  });
});

import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { gatewayName, gatewayOf } from "../../src/realtime/realtime.ts";
import type { UserConnections } from "../../src/spec/index.ts";
import { api } from "./event-helpers.ts";
import { BASE } from "./helpers.ts";
import { connect, G, req, tokenFor } from "./socket-helpers.ts";
import { openStream } from "./sse-helpers.ts";

/** `GET /v1/users/{user}/connections`: a user's sockets and SSE streams on its gateway. (The 404 of a gateway never made, creating nothing, is in reads-create-nothing.) */
const connections = async (user: string) => (await api(`/v1/users/${encodeURIComponent(user)}/connections`)).json<UserConnections>();

/** Another user on the same gateway as `user`. */
function neighbourOf(user: string): string {
  for (let i = 0; ; i++) if (gatewayOf(`${user}-n${String(i)}`, G) === gatewayOf(user, G)) return `${user}-n${String(i)}`;
}

describe("a user's connections", () => {
  it("lists the user's sockets with their tenant, protocol and topics, and its SSE streams, oldest first", async () => {
    const user = `conn-${crypto.randomUUID().slice(0, 8)}`;
    const before = Date.now();
    const plain = await connect(user);
    expect(await plain.call(req(1, "subscribe", { topics: ["conn-b", "conn-a"] }))).toMatchObject({ result: {} });
    const tenant = await connect(user, { token: await tokenFor(user, { tenant: "ta" }), protocol: "msgpack" });
    const stream = await openStream(user, `/v1/sse/users/${user}?topics=conn-news`);
    const other = await connect(neighbourOf(user));

    const seen = await connections(user);
    expect(seen).toMatchObject({ user, gateway: gatewayName(gatewayOf(user, G)) });
    expect(seen.sockets.map((s) => [s.tenant, s.protocol, s.topics])).toEqual([[null, "json", ["conn-a", "conn-b"]], ["ta", "msgpack", []]]);
    expect(seen.sockets[0]?.connectedAt).toBeGreaterThanOrEqual(before);
    expect(seen.sseStreams.map((s) => [s.tenant, s.userMessages, s.topics])).toEqual([[null, true, ["conn-news"]]]);

    plain.ws.close(1000, "done");
    await stream.cancel();
    await expect.poll(async () => (await connections(user)).sockets.length).toBe(1);
    await expect.poll(async () => (await connections(user)).sseStreams.length).toBe(0);
    tenant.ws.close(1000, "done");
    other.ws.close(1000, "done");
  });

  it("answers an empty list for a user who is not connected to a gateway that exists", async () => {
    const user = `conn-${crypto.randomUUID().slice(0, 8)}`;
    const other = await connect(neighbourOf(user));
    expect(await connections(user)).toStrictEqual({ user, gateway: gatewayName(gatewayOf(user, G)), sockets: [], sseStreams: [] });
    other.ws.close(1000, "done");
  });

  it("needs the admin token and a valid user id", async () => {
    expect((await exports.default.fetch(`${BASE}/v1/users/someone/connections`)).status).toBe(401);
    expect((await api(`/v1/users/${"x".repeat(200)}/connections`)).status).toBe(400);
  });
});

import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardOf } from "../../src/shards/index.ts";
import { BASE } from "./helpers.ts";
import { api } from "./event-helpers.ts";
import { connect, G, req } from "./socket-helpers.ts";

/** `GET /v1/realtime/gateways`: each gateway that exists, with its sockets, SSE streams and topics. */
type Gateways = { gateways: { name: string; shard: number; sockets: number; sseStreams: number; topics: number; subscribedUsers: number }[] };
const gateways = async () => (await api("/v1/realtime/gateways")).json<Gateways>();

describe("the gateways' load", () => {
  it("shows a connected user's socket and topics on its gateway", async () => {
    const user = `gw-${crypto.randomUUID().slice(0, 8)}`;
    const s = await connect(user);
    expect(await s.call(req(1, "subscribe", { topics: ["gw-a", "gw-b"] }))).toMatchObject({ result: {} });
    const mine = (await gateways()).gateways.find((g) => g.shard === shardOf(user, G));
    expect(mine).toMatchObject({ name: `gateway/${String(shardOf(user, G))}` });
    expect(mine?.sockets).toBeGreaterThanOrEqual(1);
    expect(mine?.topics).toBeGreaterThanOrEqual(2);
    expect(mine?.subscribedUsers).toBeGreaterThanOrEqual(1);
    const shards = (await gateways()).gateways.map((g) => g.shard);
    expect(shards).toEqual([...shards].sort((a, b) => a - b));
    s.ws.close(1000, "done");
  });

  it("needs the admin token", async () => {
    expect((await exports.default.fetch(`${BASE}/v1/realtime/gateways`)).status).toBe(401);
  });
});

import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventually } from "../eventually.ts";
import { freshKey, send } from "./entity-helpers.ts";
import { BASE } from "./helpers.ts";
import { api } from "./event-helpers.ts";

/** `GET /v1/entities/{type}/{key}/_state`: an entity as its shard holds it, for the inspector. */
type State = { entityType: string; key: string; shardId: number; objectName: string; state: unknown; version: number; updatedAt: string | null; dedupRecords: number; inbox: { pending: number; running: number; failed: number }; recent: { messageId: string; message: string; at: string; reply: unknown }[]; failed: { messageId: string; message: string; attempts: number; error: string | null }[] };
const inspect = async (type: string, key: string) => (await api(`/v1/entities/${type}/${encodeURIComponent(key)}/_state`)).json<State>();

describe("an entity's state, read from its shard", () => {
  it("answers its state, version and the messages applied with an id, newest first", async () => {
    const key = freshKey("inspect");
    await send("Counter", key, "increment", { by: 2 }, { "idempotency-key": "first" });
    await send("Counter", key, "increment", { by: 3 }, { "idempotency-key": "second" });
    await send("Counter", key, "increment", { by: 3 }, { "idempotency-key": "second" }); // a duplicate changes nothing
    const found = await inspect("Counter", key);
    expect(found).toMatchObject({ entityType: "Counter", key, objectName: `Counter/${String(found.shardId)}`, state: { value: 5 }, version: 2, dedupRecords: 2, inbox: { pending: 0, running: 0, failed: 0 } });
    expect(found.recent.map((r) => [r.messageId, r.message, r.reply])).toEqual([["second", "increment", { value: 5 }], ["first", "increment", { value: 2 }]]);
    expect(found.failed).toEqual([]);
    expect(Date.parse(found.updatedAt ?? "")).toBeGreaterThan(0);
  });

  it("counts a key's messages waiting in the inbox", async () => {
    const key = freshKey("inspect-inbox");
    await send("PingLog", key, "block", { n: 1 });
    expect((await send("PingLog", key, "apply", { n: 1 }, { prefer: "respond-async" })).status).toBe(202);
    expect((await send("PingLog", key, "apply", { n: 2 }, { prefer: "respond-async" })).status).toBe(202);
    await eventually(async () => {
      const { inbox } = await inspect("PingLog", key);
      return inbox.pending + inbox.running === 2;
    });
    expect((await inspect("PingLog", key)).state).toMatchObject({ applied: 0, blocked: [1] });
  });

  it("lists the key's notifies given up, with their attempts and last error", async () => {
    const key = freshKey("inspect-failed");
    expect((await send("Account", key, "withdraw", { amount: 7 }, { prefer: "respond-async", "idempotency-key": "too-much" })).status).toBe(202);
    await eventually(async () => (await inspect("Account", key)).inbox.failed === 1);
    expect((await inspect("Account", key)).failed).toEqual([{ messageId: "too-much", message: "withdraw", attempts: 1, error: expect.stringContaining("insufficient_funds") as unknown, at: expect.any(String) as unknown }]);
  });

  it("needs the admin token, and answers 404 for an unknown entity type", async () => {
    expect((await exports.default.fetch(`${BASE}/v1/entities/Counter/x/_state`)).status).toBe(401);
    const unknown = await api("/v1/entities/NoSuchType/x/_state");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toContain("application/problem+json");
  });
});

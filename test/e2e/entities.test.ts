import { describe, expect, inject, it } from "vitest";
import { eventually } from "../eventually.ts";

const base = inject("baseUrl");
const auth = { Authorization: `Bearer ${inject("adminToken")}`, "content-type": "application/json" };
const send = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/v1/entities/${path}`, { method: "POST", headers: { ...auth, ...headers }, body: JSON.stringify(body) });

describe("entities over a real wrangler dev", () => {
  it("applies 1,000 concurrent increments on one key exactly once each", async () => {
    const key = `e2e-${Date.now()}`;
    const replies = await Promise.all(Array.from({ length: 1000 }, () => send(`Counter/${key}/increment`, { by: 1 })));
    expect(replies.filter((r) => r.status !== 200)).toEqual([]);
    await Promise.all(replies.map((r) => r.arrayBuffer()));
    const final = (await (await send(`Counter/${key}/get`, {})).json()) as unknown;
    expect(final).toEqual({ value: 1000 });
  });

  it("answers a redelivered Idempotency-Key with the stored reply, flagged", async () => {
    const key = `e2e-idem-${Date.now()}`;
    const first = await send(`Account/${key}/deposit`, { amount: 50 }, { "idempotency-key": "dep-1" });
    const second = await send(`Account/${key}/deposit`, { amount: 50 }, { "idempotency-key": "dep-1" });
    expect(await first.json()).toEqual({ balance: 50 });
    expect(await second.json()).toEqual({ balance: 50 });
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const overdraft = await send(`Account/${key}/withdraw`, { amount: 51 });
    expect(overdraft.status).toBe(409);
    expect(overdraft.headers.get("content-type")).toBe("application/problem+json");
  });

  it("accepts a notify with 202 and applies it", async () => {
    const key = `e2e-async-${Date.now()}`;
    const accepted = await send(`Counter/${key}/increment`, { by: 9 }, { prefer: "respond-async" });
    expect(accepted.status).toBe(202);
    await eventually(async () => ((await (await send(`Counter/${key}/get`, {})).json()) as { value: number }).value === 9);
  });

  it("reports entity types and the routing hash at /v1/cluster", async () => {
    const info = (await (await fetch(`${base}/v1/cluster`, { headers: auth })).json()) as { hash: { algorithm: string }; entityTypes: { type: string; shards: number }[] };
    expect(info.hash.algorithm).toBe("blake2b-64");
    expect(info.entityTypes).toEqual(expect.arrayContaining([expect.objectContaining({ type: "Counter", shards: 64 })]));
  });
});

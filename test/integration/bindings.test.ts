import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../fixtures/worker.ts";
import { admin, fetchWith } from "./helpers.ts";

const increment = { method: "POST", headers: admin({ "content-type": "application/json" }), body: JSON.stringify({ by: 1 }) };

describe("a missing or misnamed binding", () => {
  it("makes /readyz answer 503 naming the binding and how to declare it", async () => {
    const res = await fetchWith({ SHARDS: undefined }, "/readyz?verbose");
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('[-]shard-object failed: binding SHARDS (Durable Object namespace) is missing or of another kind: declare it in wrangler.toml as [[durable_objects.bindings]] name = "SHARDS", class_name = "ShardObject"');
  });

  it("answers the first request with 503 misconfigured naming every missing binding, not a crash", async () => {
    const res = await fetchWith({ SHARDS: undefined, SAGAS: undefined }, "/v1/entities/Counter/bindings-1/increment", increment);
    expect(res.status).toBe(503);
    const problem = await res.json<{ code: string; detail: string; bindings: string[] }>();
    expect(problem.code).toBe("misconfigured");
    expect(problem.bindings).toEqual(["SHARDS", "SAGAS"]);
    expect(problem.detail).toContain("binding SHARDS (Durable Object namespace)");
    expect(problem.detail).toContain("binding SAGAS (Workflow)");
  });

  it("refuses a binding of another kind under the expected name", async () => {
    const res = await fetchWith({ EVENTS: { get: () => null } }, "/v1/entities/Counter/bindings-2/increment", increment);
    expect(res.status).toBe(503);
    expect((await res.json<{ bindings: string[] }>()).bindings).toEqual(["EVENTS"]);
  });

  it("leaves /livez answering 200", async () => {
    expect((await fetchWith({ SHARDS: undefined, TENANTS: undefined }, "/livez")).status).toBe(200);
  });

  it("makes the queue consumer retry every message instead of throwing", async () => {
    const batch = createMessageBatch<unknown>("events", [{ id: "b-1", timestamp: new Date(), attempts: 1, body: { any: "event" } }, { id: "b-2", timestamp: new Date(), attempts: 1, body: {} }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, SHARDS: undefined } as unknown as typeof env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryBatch.retry).toBe(true);
    expect(result.explicitAcks).toEqual([]);
  });
});

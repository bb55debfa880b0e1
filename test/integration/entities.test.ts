import { listDurableObjectIds } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardOf } from "../../src/shards/index.ts";
import { ProblemSchema } from "../../src/spec/index.ts";
import { freshKey, rows, send } from "./entity-helpers.ts";
import { admin, BASE } from "./helpers.ts";

const problemOf = async (res: Response) => ProblemSchema.parse(await res.json());

describe("routing and replies", () => {
  it("routes a key to its shard, replies with the handler's output and names the shard", async () => {
    const key = freshKey();
    const res = await send("Counter", key, "increment", { by: 5 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ value: 5 });
    expect(res.headers.get("x-shard-id")).toBe(String(shardOf(key, 64)));
    expect(await rows("Counter", key, "SELECT entity_key, state, version FROM entities WHERE entity_key = ?", key)).toEqual([{ entity_key: key, state: '{"value":5}', version: 1 }]);
  });

  it("applies 1,000 concurrent increments on one key exactly once each", async () => {
    const key = freshKey("hot");
    const replies = await Promise.all(Array.from({ length: 1000 }, () => send("Counter", key, "increment", { by: 1 })));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const values = await Promise.all(replies.map(async (r) => (await r.json<{ value: number }>()).value));
    expect(new Set(values).size).toBe(1000);
    expect(await (await send("Counter", key, "get")).json()).toEqual({ value: 1000 });
    expect(await rows("Counter", key, "SELECT COUNT(*) AS n FROM outbox WHERE entity_key = ?", key)).toEqual([{ n: 1000 }]);
  });

  it("gives handlers their cluster context (CLUS-04)", async () => {
    const key = freshKey();
    const res = await send("Counter", key, "context", {}, { "x-request-id": "req-ctx-1", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" });
    const shardId = shardOf(key, 64);
    expect(await res.json()).toEqual({
      requestId: "req-ctx-1",
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      entityType: "Counter",
      entityKey: key,
      shardId,
      objectName: `Counter/${shardId}`,
      objectId: env.SHARDS.idFromName(`Counter/${shardId}`).toString(),
      isLeader: false,
      value: 0,
    });
  });

  it("does not create a row when a message leaves a new entity in its initial state", async () => {
    const key = freshKey();
    expect(await (await send("Counter", key, "get")).json()).toEqual({ value: 0 });
    expect(await rows("Counter", key, "SELECT * FROM entities WHERE entity_key = ?", key)).toEqual([]);
  });
});

describe("entity info", () => {
  const info = (type: string, key: string) => exports.default.fetch(`${BASE}/v1/entities/${type}/${encodeURIComponent(key)}/_info`, { headers: admin() });

  it("answers exactly where a key lives, for the type's own shard count, without contacting any object", async () => {
    const before = (await listDurableObjectIds(env.SHARDS)).length;
    for (const [type, numShards] of [["Counter", 64], ["TickLog", 16]] as const) {
      const key = freshKey();
      const res = await info(type, key);
      expect(res.status).toBe(200);
      const shardId = shardOf(key, numShards);
      expect(await res.json()).toStrictEqual({
        entityType: type,
        key,
        shardId,
        numShards,
        objectName: `${type}/${shardId}`,
        objectId: env.SHARDS.idFromName(`${type}/${shardId}`).toString(),
      });
    }
    expect((await listDurableObjectIds(env.SHARDS)).length).toBe(before);
  });

  it("answers 404 problem+json for an unknown entity type", async () => {
    const res = await info("Nope", freshKey());
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await problemOf(res)).toMatchObject({ status: 404, code: "not_found" });
  });
});

describe("bad input never reaches a Durable Object", () => {
  it("answers 404 for an unknown entity type or message without contacting any object", async () => {
    const before = (await listDurableObjectIds(env.SHARDS)).length;
    const type = await send("Nope", "k", "increment", { by: 1 });
    expect(type.status).toBe(404);
    expect((await problemOf(type)).code).toBe("not_found");
    const message = await send("Counter", freshKey(), "explode", {});
    expect(message.status).toBe(404);
    expect((await listDurableObjectIds(env.SHARDS)).length).toBe(before);
  });

  it("answers 400 with the failing paths for invalid input", async () => {
    const res = await send("Counter", freshKey(), "increment", { by: "seven" });
    expect(res.status).toBe(400);
    const body = await problemOf(res);
    expect(body.code).toBe("validation_failed");
    expect(body.errors?.map((e) => e.path)).toEqual(["by"]);
  });

  it("answers 400 for malformed JSON and for an invalid key, 415 for a non-JSON body", async () => {
    expect((await problemOf(await send("Counter", freshKey(), "increment", "{nope"))).code).toBe("malformed_json");
    expect((await send("Counter", "x".repeat(257), "increment", { by: 1 })).status).toBe(400); // keys are any string of 1–256 UTF-8 bytes
    const text = await send("Counter", freshKey(), "increment", "by=1", { "content-type": "text/plain" });
    expect(text.status).toBe(415);
  });

  it("refuses a custom header with the reserved x-cluster- prefix", async () => {
    const res = await send("Counter", freshKey(), "increment", { by: 1 }, { "x-envelope-header-x-cluster-shard": "3" });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).code).toBe("reserved_header");
  });

  it("answers 413 for a payload over 1 MiB", async () => {
    const res = await send("Counter", freshKey(), "increment", { by: 1, pad: "x".repeat(1_048_576) });
    expect(res.status).toBe(413);
    expect((await problemOf(res)).code).toBe("payload_too_large");
  });
});

describe("transactional handlers", () => {
  it("leaves state and outbox untouched when a handler throws after changing state", async () => {
    const key = freshKey();
    await send("Counter", key, "increment", { by: 2 });
    const res = await send("Counter", key, "incrementThenFail", { by: 100 });
    expect(res.status).toBe(500);
    expect((await problemOf(res)).detail).not.toContain("always fails");
    expect(await rows("Counter", key, "SELECT state, version FROM entities WHERE entity_key = ?", key)).toEqual([{ state: '{"value":2}', version: 1 }]);
    expect(await rows("Counter", key, "SELECT COUNT(*) AS n FROM outbox WHERE entity_key = ?", key)).toEqual([{ n: 1 }]);
  });

  it("refuses an overdraft with 409 insufficient_funds and changes nothing", async () => {
    const key = freshKey("acct");
    await send("Account", key, "deposit", { amount: 10 });
    const res = await send("Account", key, "withdraw", { amount: 11 });
    expect(res.status).toBe(409);
    expect(await problemOf(res)).toMatchObject({ code: "insufficient_funds", balance: 10, amount: 11 });
    expect(await (await send("Account", key, "balance")).json()).toEqual({ balance: 10 });
  });
});

describe("envelopes", () => {
  it("refuses an expired envelope with envelope_expired and does not call the handler", async () => {
    const key = freshKey();
    const res = await send("Counter", key, "increment", { by: 1 }, { "x-envelope-created-at": String(Date.now() - 10_000), "x-envelope-ttl-ms": "5000" });
    expect(res.status).toBe(504);
    expect((await problemOf(res)).code).toBe("envelope_expired");
    expect(await rows("Counter", key, "SELECT * FROM entities WHERE entity_key = ?", key)).toEqual([]);
  });

  it("bounds the handler's deadline by the remaining TTL and writes nothing past it", async () => {
    const key = freshKey();
    const started = Date.now();
    const res = await send("Counter", key, "incrementSlowly", { by: 1, delayMs: 5_000 }, { "x-envelope-ttl-ms": "300" });
    expect(res.status).toBe(504);
    expect((await problemOf(res)).code).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await rows("Counter", key, "SELECT * FROM entities WHERE entity_key = ?", key)).toEqual([]);
  });

  it("answers 400 for a malformed TTL header", async () => {
    const res = await send("Counter", freshKey(), "increment", { by: 1 }, { "x-envelope-ttl-ms": "soon" });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.[0]?.path).toBe("headers.x-envelope-ttl-ms");
  });
});

describe("the platform's own entity types", () => {
  it("are not reachable or documented over HTTP (404 as an unknown type) and nothing is created", async () => {
    const before = (await listDurableObjectIds(env.SHARDS)).length;
    for (const [type, message] of [["EventBus", "publish"], ["SagaLog", "cancel"], ["Jobs", "submit"]] as const) {
      const key = freshKey();
      for (const res of [await send(type, key, message, {}), await exports.default.fetch(`${BASE}/v1/entities/${type}/${key}/_info`, { headers: admin() }), await exports.default.fetch(`${BASE}/v1/broadcast/${type}/${message}`, { method: "POST", headers: admin() })]) {
        expect(res.status, `${type} ${res.url}`).toBe(404);
        expect(await problemOf(res)).toMatchObject({ code: "not_found", detail: `unknown entity type '${type}'` });
      }
    }
    const doc = await (await exports.default.fetch(`${BASE}/openapi.json`)).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths).filter((p) => /\/v1\/entities\/(EventBus|SagaLog|Jobs)\//.test(p))).toStrictEqual([]);
    expect((await listDurableObjectIds(env.SHARDS)).length).toBe(before);
  });
});

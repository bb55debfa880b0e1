import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createRegistry, defineEntity, Router, shardOf } from "../../src/shards/index.ts";
import type { ShardNamespace, ShardStub, ShardTarget } from "../../src/shards/delivery.ts";
import { AppError, type EntityKey, type Envelope } from "../../src/spec/index.ts";

const Thing = defineEntity({
  type: "Thing",
  shards: 8,
  state: z.object({ n: z.number() }),
  initial: () => ({ n: 0 }),
  messages: { touch: { input: z.object({ by: z.number().int() }), output: z.object({ n: z.number() }) } },
  handlers: { touch: (ctx, { by }) => ({ n: (ctx.state.n += by) }) },
});

/** Records what reaches the shard side: the router's checks run before anything is sent. */
function recordingNamespace() {
  const sent: { name: string; target: ShardTarget; key?: EntityKey; envelope: Envelope }[] = [];
  const calls: { name: string; method: string; items: number }[] = [];
  const namespace: ShardNamespace = {
    idFromName: (name) => ({ toString: () => `id:${name}`, name, equals: () => false }),
    get: (id) => {
      const name = (id as DurableObjectId & { name: string }).name;
      const stub: ShardStub = {
        deliver: (target, key, envelope) => (calls.push({ name, method: "deliver", items: 1 }), sent.push({ name, target, key, envelope }), Promise.resolve({ ok: true, value: { reply: { n: 1 }, duplicate: false } })),
        deliverMany: (target, items) => {
          calls.push({ name, method: "deliverMany", items: items.length });
          if (items.some((i) => i.key === "breaks")) return Promise.reject(new Error("object reset"));
          return Promise.resolve(items.map((i) => (i.key === "refused" ? { ok: false, problem: new AppError("conflict", "no").toProblem(), headers: {} } : { ok: true, value: { reply: i.key, duplicate: false, ...(i.order ? { status: "held" as const } : {}) } })));
        },
        enqueue: (target, key, envelope) => (sent.push({ name, target, key, envelope }), Promise.resolve({ ok: true, value: { messageId: envelope.messageId ?? ("" as never), duplicate: false } })),
        deliverOrdered: (target, key, envelope) => (sent.push({ name, target, key, envelope }), Promise.resolve({ ok: true, value: { reply: null, duplicate: false, status: "held" as const } })),
        skipOrdered: () => Promise.resolve({ ok: true, value: { status: "passed" as const } }),
        broadcast: (target, envelope) => (sent.push({ name, target, envelope }), target.shardId === 3 ? Promise.reject(new Error("unreachable")) : Promise.resolve({ ok: true, value: target.shardId })),
      };
      return stub;
    },
  };
  return { sent, calls, namespace, router: new Router(namespace, createRegistry([Thing], { seed: "s" })) };
}

const codeOf = async (work: Promise<unknown>) => ((await work.catch((err: unknown) => err)) as AppError).code;

describe("Router", () => {
  it("addresses <type>/<shardOf(key, shards, seed)> and builds a full envelope", async () => {
    const { sent, router } = recordingNamespace();
    await router.to(Thing).request("key-1", "touch", { by: 2 }, { messageId: "m-1", ttlMs: 500, headers: { "trace-id": "t" }, context: { requestId: "r-1" } });
    const [first] = sent;
    expect(first?.name).toBe(`Thing/${shardOf("key-1", 8, "s")}`);
    expect(first?.target).toEqual({ entityType: "Thing", shardId: shardOf("key-1", 8, "s"), numShards: 8, seed: "s" });
    expect(first?.envelope).toMatchObject({ type: "touch", payload: { by: 2 }, messageId: "m-1", ttlMs: 500, headers: { "trace-id": "t", "x-cluster-request-id": "r-1" } });
    expect(first?.envelope.createdAt).toBeGreaterThan(0);
  });

  it("checks everything it can before sending", async () => {
    const { sent, router } = recordingNamespace();
    expect(await codeOf(router.request("Nope", "k", "touch", {}))).toBe("not_found");
    expect(await codeOf(router.request("Thing", "k", "nope", {}))).toBe("not_found");
    expect(await codeOf(router.request("Thing", "k", "touch", { by: 1.5 }))).toBe("validation_failed");
    expect(await codeOf(router.request("Thing", "x".repeat(257), "touch", { by: 1 }))).toBe("validation_failed");
    expect(await codeOf(router.request("Thing", "\ud800", "touch", { by: 1 }))).toBe("validation_failed");
    expect(await codeOf(router.request("Thing", "k", "touch", { by: 1 }, { headers: { "x-cluster-shard": "1" } }))).toBe("reserved_header");
    expect(await codeOf(router.request("Thing", "k", "touch", { by: 1, pad: "x".repeat(1_048_576) }))).toBe("payload_too_large");
    expect(await codeOf(router.request("Thing", "k", "touch", { by: 1 }, { ttlMs: -5 }))).toBe("validation_failed");
    expect(sent).toEqual([]);
  });

  it("gives every notify a message id", async () => {
    const { sent, router } = recordingNamespace();
    await router.notify("Thing", "k", "touch", { by: 1 });
    expect(sent[0]?.envelope.messageId).toMatch(/^n_/);
  });

  it("broadcasts to every shard, reporting a failing one without blocking the rest", async () => {
    const { router } = recordingNamespace();
    const results = await router.broadcast("Thing", "touch", { by: 1 }).catch((err: unknown) => err);
    expect(results).toBeInstanceOf(AppError); // touch is not a broadcast message
    const entity = defineEntity({ ...Thing, type: "Other", broadcasts: { ping: { input: z.object({}), output: z.number() } }, broadcastHandlers: { ping: () => 1 } });
    const router2 = new Router(recordingNamespace().namespace, createRegistry([entity]));
    const all = await router2.broadcast("Other", "ping", {});
    expect(all.map((r) => r.ok)).toEqual([true, true, true, false, true, true, true, true]);
    expect(all[3]).toMatchObject({ shardId: 3, ok: false, error: { code: "not_ready" } });
  });
});

describe("Router.batched", () => {
  /** Keys of distinct shards of Thing (8 shards, seed s), a few per shard. */
  const keysOf = (shard: number, n: number) => Array.from({ length: 400 }, (_, i) => `k${i}`).filter((k) => shardOf(k, 8, "s") === shard).slice(0, n);

  it("sends the requests of one turn to each shard object in one call, answering each on its own", async () => {
    const { calls, router } = recordingNamespace();
    const batch = router.batched();
    const [a1, a2, a3] = keysOf(1, 3);
    const [b1] = keysOf(2, 1);
    const replies = await Promise.all([a1, a2, b1, a3].map((k, i) => batch.request("Thing", k ?? "", "touch", { by: 1 }, i === 3 ? { order: { stream: "s", sequence: 1, original: null } } : {})));
    expect(replies.map((r) => r.reply)).toEqual([a1, a2, { n: 1 }, a3]);
    expect(replies[3]?.status).toBe("held");
    expect(calls).toEqual([{ name: "Thing/1", method: "deliverMany", items: 3 }, { name: "Thing/2", method: "deliver", items: 1 }]);
    // A later turn is a new call.
    await batch.request("Thing", a1 ?? "", "touch", { by: 1 });
    expect(calls.at(-1)).toEqual({ name: "Thing/1", method: "deliver", items: 1 });
  });

  it("fails only the refused message, and every message of a call that failed", async () => {
    const { router } = recordingNamespace();
    const batch = router.batched();
    const shard = shardOf("refused", 8, "s");
    const [other] = keysOf(shard, 1);
    const outcomes = await Promise.allSettled(["refused", other ?? ""].map((k) => batch.request("Thing", k, "touch", { by: 1 })));
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "fulfilled"]);
    expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({ code: "conflict" });
    const [same] = keysOf(shardOf("breaks", 8, "s"), 1);
    const broken = await Promise.allSettled(["breaks", same ?? ""].map((k) => batch.request("Thing", k, "touch", { by: 1 })));
    expect(broken.map((o) => o.status)).toEqual(["rejected", "rejected"]);
  });
});

describe("defineEntity", () => {
  const base = { state: z.object({}), initial: () => ({}), messages: {}, handlers: {} };

  it("defaults to 64 shards and a 30 s handler timeout", () => {
    const e = defineEntity({ ...base, type: "Plain" });
    expect([e.shards, e.timeoutMs]).toEqual([64, 30_000]);
  });

  it("refuses bad names, shard counts and missing handlers, naming the field", () => {
    expect(() => defineEntity({ ...base, type: "1bad" })).toThrow(/type '1bad' is invalid/);
    expect(() => defineEntity({ ...base, type: "T", shards: 0 })).toThrow(/shards must be an integer in 1..65536/);
    expect(() => defineEntity({ ...base, type: "T", messages: { go: { input: z.object({}), output: z.object({}) } }, handlers: {} as never })).toThrow(/message 'go' has no handler/);
    expect(() => createRegistry([defineEntity({ ...base, type: "T" }), defineEntity({ ...base, type: "T" })])).toThrow(/declared twice/);
  });
});

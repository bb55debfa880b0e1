import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardOf } from "../../src/shards/index.ts";
import { claim } from "../../src/shards/inbox.ts";
import { ProblemSchema } from "../../src/spec/index.ts";
import { admin, BASE } from "./helpers.ts";
import { freshKey, rows, send, shardStub } from "./entity-helpers.ts";
import { eventually as until } from "../eventually.ts";

const asyncHeaders = { prefer: "respond-async" };
const inbox = (key: string) => rows<{ seq: number; status: string; attempts: number; lease_until: number | null }>("Counter", key, "SELECT seq, status, attempts, lease_until FROM inbox WHERE entity_key = ? ORDER BY seq", key);
const value = async (key: string) => (await (await send("Counter", key, "get")).json<{ value: number }>()).value;

describe("notify (Prefer: respond-async)", () => {
  it("answers 202 once the message is durably stored, then applies it", async () => {
    const key = freshKey();
    const res = await send("Counter", key, "increment", { by: 3 }, asyncHeaders);
    expect(res.status).toBe(202);
    expect(res.headers.get("preference-applied")).toBe("respond-async");
    const body = await res.json<{ accepted: boolean; messageId: string; shardId: number }>();
    expect(body).toMatchObject({ accepted: true, shardId: shardOf(key, 64), duplicate: false });
    await until(async () => (await value(key)) === 3);
    expect(await inbox(key)).toEqual([]);
  });

  it("applies one key's notifies in the order they were accepted", async () => {
    const key = freshKey("log");
    const ns = Array.from({ length: 20 }, (_, i) => i + 1);
    // The first fails until unblocked, so the other 19 wait in the inbox behind it.
    await send("PingLog", key, "block", { n: 1 });
    for (const n of ns) expect((await send("PingLog", key, "apply", { n }, asyncHeaders)).status).toBe(202);
    const waiting = () => rows<{ n: number }>("PingLog", key, "SELECT COUNT(*) AS n FROM inbox WHERE entity_key = ?", key);
    expect((await waiting())[0]?.n).toBe(ns.length);
    await send("PingLog", key, "unblock", { n: 1 });
    const log = async () => (await send("PingLog", key, "get")).json<{ applied: number; ns: number[] }>();
    await until(async () => (await log()).applied === ns.length);
    expect((await log()).ns).toEqual(ns);
  });

  it("treats a repeated Idempotency-Key as a duplicate, waiting or applied", async () => {
    const key = freshKey();
    const first = await send("Counter", key, "increment", { by: 1 }, { ...asyncHeaders, "idempotency-key": "n-1" });
    const second = await send("Counter", key, "increment", { by: 1 }, { ...asyncHeaders, "idempotency-key": "n-1" });
    expect((await first.json<{ duplicate: boolean }>()).duplicate).toBe(false);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    await until(async () => (await value(key)) === 1);
    const third = await send("Counter", key, "increment", { by: 1 }, { ...asyncHeaders, "idempotency-key": "n-1" });
    expect((await third.json<{ duplicate: boolean }>()).duplicate).toBe(true);
    expect(await value(key)).toBe(1);
  });
});

describe("work claims (CLUS-02)", () => {
  it("lets exactly one of 50 concurrent claims of one item win", async () => {
    const key = freshKey();
    const stub = shardStub("Counter", key);
    await send("Counter", key, "incrementSlowly", { by: 1, delayMs: 60_000 }, asyncHeaders);
    await until(async () => (await inbox(key))[0]?.status === "running");
    const [row] = await inbox(key);
    const winners = await runInDurableObject(stub, async (_i, state) => {
      const later = Date.now() + 120_000; // every claimer sees the lease as expired
      const claims = await Promise.all(Array.from({ length: 50 }, () => Promise.resolve().then(() => claim(state.storage.sql, row?.seq ?? -1, later, 30_000))));
      return claims.filter(Boolean).length;
    });
    expect(winners).toBe(1);
    await abortAllDurableObjects();
  });

  it("redelivers an evicted claimer's message once after its lease, with the attempt count raised", async () => {
    const key = freshKey();
    const stub = shardStub("Counter", key);
    await send("Counter", key, "incrementSlowly", { by: 5, delayMs: 400 }, asyncHeaders);
    await until(async () => (await inbox(key))[0]?.status === "running");
    await abortAllDurableObjects(); // the claimer dies mid-handler: its memory and timers are gone
    await new Promise((r) => setTimeout(r, 600));
    const [abandoned] = await inbox(key);
    expect(abandoned).toMatchObject({ status: "running", attempts: 1 });
    expect(await value(key)).toBe(0);
    // The lease ends (moved into the past rather than waiting 35 s), and the alarm comes.
    await runInDurableObject(stub, (_i, state) => state.storage.sql.exec("UPDATE inbox SET lease_until = ? WHERE entity_key = ?", Date.now() - 1, key));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await value(key)).toBe(5);
    expect(await inbox(key)).toEqual([]);
  });
});

describe("mailbox capacity", () => {
  /** Keys of the same Counter shard as `key`. */
  const neighbours = (key: string, n: number) => {
    const found: string[] = [];
    for (let i = 0; found.length < n; i++) if (shardOf(`${key}-n${i}`, 64) === shardOf(key, 64)) found.push(`${key}-n${i}`);
    return found;
  };
  /** Stores `count` notifies for `key` behind a slow first one, so none of them finishes. */
  const backlog = async (key: string, count: number) => {
    await send("Counter", key, "incrementSlowly", { by: 1, delayMs: 60_000 }, asyncHeaders);
    await until(async () => (await inbox(key))[0]?.status === "running");
    for (let i = 1; i < count; i += 64) {
      const batch = Array.from({ length: Math.min(64, count - i) }, () => send("Counter", key, "increment", { by: 1 }, asyncHeaders));
      expect((await Promise.all(batch)).map((r) => r.status)).toEqual(batch.map(() => 202));
    }
  };
  const refusal = async (res: Response) => ({ status: res.status, retryAfter: res.headers.get("retry-after"), problem: ProblemSchema.parse(await res.json()) });

  it("holds one key to a quarter of its shard (1,024 of 4,096): past it that key gets 429, its neighbours still get through", async () => {
    const key = freshKey("flood");
    await backlog(key, 1024);
    expect(await refusal(await send("Counter", key, "increment", { by: 1 }, asyncHeaders))).toMatchObject({ status: 429, retryAfter: "1", problem: { code: "mailbox_full", limit: 1024 } });
    expect((await send("Counter", key, "get")).status).toBe(429);
    const [neighbour] = neighbours(key, 1);
    expect((await send("Counter", neighbour ?? "", "increment", { by: 2 })).status).toBe(200);
    expect((await send("Counter", neighbour ?? "", "increment", { by: 2 }, asyncHeaders)).status).toBe(202);
    // The neighbour's stored message runs now, while the flood's first message still holds its own key.
    await until(async () => (await value(neighbour ?? "")) === 4, 5_000);
    expect((await inbox(key))[0]?.status).toBe("running");
    expect(await rows("Counter", key, "SELECT COUNT(*) AS n FROM inbox WHERE entity_key = ?", key)).toEqual([{ n: 1024 }]);
    await abortAllDurableObjects();
    // The next test may land on this shard: it must find its mailbox empty.
    await runInDurableObject(shardStub("Counter", key), (_i, state) => void state.storage.sql.exec("DELETE FROM inbox WHERE entity_key = ?", key));
  }, 120_000);

  it("answers 429 mailbox_full with Retry-After at 4,096 pending messages per shard", async () => {
    const key = freshKey("full");
    const [fifth, ...others] = neighbours(key, 4);
    for (const k of [key, ...others]) await backlog(k, 1024);
    const full = await refusal(await send("Counter", fifth ?? "", "increment", { by: 1 }, asyncHeaders));
    expect(full).toMatchObject({ status: 429, retryAfter: "1", problem: { code: "mailbox_full", limit: 4096 } });
    expect(await rows("Counter", key, "SELECT COUNT(*) AS n FROM inbox WHERE status IN ('pending', 'running')")).toEqual([{ n: 4096 }]);
    await abortAllDurableObjects();
  }, 240_000); // 4,096 real HTTP notifies: ~12 s alone, more on a loaded machine
});

describe("broadcast", () => {
  const broadcast = () => exports.default.fetch(`${BASE}/v1/broadcast/Counter/stats`, { method: "POST", headers: admin() });

  it("reaches every shard once", async () => {
    const key = freshKey();
    await send("Counter", key, "increment", { by: 11 });
    const { results } = await (await broadcast()).json<{ results: { shardId: number; ok: boolean; reply: { shardId: number; total: number } }[] }>();
    expect(results.map((r) => r.shardId)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(results.every((r) => r.ok && r.reply.shardId === r.shardId)).toBe(true);
    expect(results[shardOf(key, 64)]?.reply.total).toBeGreaterThanOrEqual(11);
  });

  it("answers for every other shard when one shard fails", async () => {
    const broken = shardStub("Counter", "any", 64);
    const brokenShard = shardOf("any", 64);
    await send("Counter", "any", "get");
    await runInDurableObject(broken, (_i, state) => state.storage.sql.exec("UPDATE shard_meta SET v = '32' WHERE k = 'num_shards'"));
    await abortAllDurableObjects(); // a fresh activation reads the stored shard count
    const { results } = await (await broadcast()).json<{ results: { shardId: number; ok: boolean; error?: { code: string } }[] }>();
    expect(results.filter((r) => !r.ok).map((r) => [r.shardId, r.error?.code])).toEqual([[brokenShard, "misconfigured"]]);
    expect(results.filter((r) => r.ok)).toHaveLength(63);
  });
});

describe("shard count is a migration", () => {
  it("makes a shard created with another shard count refuse to start, saying why", async () => {
    const key = freshKey("recount");
    const shard = shardOf(key, 64);
    await send("Counter", key, "get"); // the shard object exists and has stored its identity
    await runInDurableObject(shardStub("Counter", key), (_i, state) => state.storage.sql.exec("UPDATE shard_meta SET v = '32' WHERE k = 'num_shards'"));
    await abortAllDurableObjects(); // a fresh activation reads the stored shard count
    const res = await send("Counter", key, "increment", { by: 1 });
    expect(res.status).toBe(503);
    const body = ProblemSchema.parse(await res.json());
    expect(body.code).toBe("misconfigured");
    expect(body.detail).toContain(`declares 64 shards but shard object Counter/${shard} was created with 32`);
    expect(await rows("Counter", key, "SELECT * FROM entities WHERE entity_key = ?", key)).toEqual([]);
    expect(await rows("Counter", key, "SELECT v FROM shard_meta WHERE k = 'num_shards'")).toEqual([{ v: "32" }]);
  });
});

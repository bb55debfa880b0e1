import { DurableObject } from "cloudflare:workers";
import worker from "../../test/fixtures/worker.ts";
import { pollingRoute, type PollingJobs } from "./polling-jobs.ts";
import { tenantBenchRoute } from "./tenant-bench.ts";
import type { PartyBroadcast, RawBroadcast } from "./broadcast-objects.ts";
import { broadcastRoute } from "./broadcast-routes.ts";

export * from "../../test/fixtures/worker.ts";
export { PollingJobs } from "./polling-jobs.ts";
export { TenantObject } from "./tenant-bench.ts";
export { PartyBroadcast, RawBroadcast } from "./broadcast-objects.ts";

interface BenchEnv extends Env {
  POLLING_JOBS: DurableObjectNamespace<PollingJobs>;
  RAW_BROADCAST: DurableObjectNamespace<RawBroadcast>;
  PARTY_BROADCAST: DurableObjectNamespace<PartyBroadcast>;
  BARE: DurableObjectNamespace<BareObject>;
  BARE_ALARM: DurableObjectNamespace<BareAlarm>;
  BARE_SINK: DurableObjectNamespace<BareSink>;
  BENCH_RAW: Queue<{ n: number; key: string; sentAt: number }>;
}

/** The raw events baseline's subscriber: a bare Queue consumer writes one row per message here, no outbox, no dedup. */
export class BareSink extends DurableObject<BenchEnv> {
  constructor(ctx: DurableObjectState, env: BenchEnv) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS received (n INTEGER NOT NULL, lag INTEGER NOT NULL)");
  }

  record(n: number, sentAt: number): void {
    this.ctx.storage.sql.exec("INSERT INTO received (n, lag) VALUES (?, ?)", n, Date.now() - sentAt);
  }

  result(): { lags: number[]; ns: number[] } {
    const rows = this.ctx.storage.sql.exec<{ n: number; lag: number }>("SELECT n, lag FROM received").toArray();
    return { lags: rows.map((r) => r.lag), ns: rows.map((r) => r.n) };
  }
}

/** The raw alarm baseline: one Durable Object per instant, its own alarm, recording when it fired. */
export class BareAlarm extends DurableObject<BenchEnv> {
  async arm(at: number): Promise<void> {
    await this.ctx.storage.put("at", at);
    await this.ctx.storage.setAlarm(at);
  }

  override async alarm(): Promise<void> {
    const firedAt = Date.now();
    const fired = (await this.ctx.storage.get<number>("fired")) ?? 0;
    await this.ctx.storage.put({ firedAt, fired: fired + 1 });
  }

  async result(): Promise<{ at: number | undefined; firedAt: number | undefined; fired: number }> {
    const values = await this.ctx.storage.get<number>(["at", "firedAt", "fired"]);
    return { at: values.get("at"), firedAt: values.get("firedAt"), fired: values.get("fired") ?? 0 };
  }
}

/**
 * The raw platform baseline: a Durable Object RPC doing the SQLite work of an entity message with
 * an id that emits nothing (`Account.deposit`): look up the dedup row, read the state row, then
 * upsert the state and insert the dedup row in one transaction, over the shard's own table
 * definitions, with no router, envelope, mailbox or validation.
 */
export class BareObject extends DurableObject<BenchEnv> {
  constructor(ctx: DurableObjectState, env: BenchEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS entities (entity_key TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 1), updated_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS dedup (entity_key TEXT NOT NULL, message_id TEXT NOT NULL, message TEXT NOT NULL, reply TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (entity_key, message_id));
      CREATE INDEX IF NOT EXISTS dedup_expires ON dedup (expires_at)`);
  }

  deposit(key: string, amount: number, messageId: string): { balance: number } {
    const sql = this.ctx.storage.sql;
    const seen = sql.exec<{ reply: string }>("SELECT reply FROM dedup WHERE entity_key = ? AND message_id = ?", key, messageId).toArray()[0];
    if (seen) return JSON.parse(seen.reply) as { balance: number };
    const row = sql.exec<{ state: string }>("SELECT state FROM entities WHERE entity_key = ?", key).toArray()[0];
    const balance = (row ? (JSON.parse(row.state) as { balance: number }).balance : 0) + amount;
    const reply = JSON.stringify({ balance });
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      sql.exec("INSERT INTO entities VALUES (?, ?, 1, ?) ON CONFLICT (entity_key) DO UPDATE SET state = excluded.state, version = entities.version + 1, updated_at = excluded.updated_at", key, reply, now);
      sql.exec("INSERT INTO dedup VALUES (?, ?, 'deposit', ?, ?, ?)", key, messageId, reply, now, now + 24 * 60 * 60 * 1000);
    });
    return { balance };
  }
}

export default {
  async fetch(request, env, ctx) {
    const polled = await pollingRoute(request, env);
    if (polled) return polled;
    const tenantBench = await tenantBenchRoute(request, env);
    if (tenantBench) return tenantBench;
    const url = new URL(request.url);
    const bare = /^\/_bench\/bare\/(\d+)\/([^/]+)$/.exec(url.pathname);
    if (bare && request.headers.get("authorization") === `Bearer ${env.ADMIN_TOKEN}`) {
      const { amount } = await request.json<{ amount: number }>();
      const stub = env.BARE.get(env.BARE.idFromName(`bare/${bare[1]}`));
      return Response.json(await stub.deposit(decodeURIComponent(bare[2] ?? ""), amount, request.headers.get("idempotency-key") ?? crypto.randomUUID()));
    }
    const raw = /^\/_bench\/raw\/(send|result)\/([\w-]+)$/.exec(url.pathname);
    if (raw && request.headers.get("authorization") === `Bearer ${env.ADMIN_TOKEN}`) {
      const key = raw[2] ?? "";
      if (raw[1] === "send") {
        await env.BENCH_RAW.send({ n: Number(url.searchParams.get("n")), key, sentAt: Date.now() });
        return new Response(null, { status: 202 });
      }
      return Response.json(await env.BARE_SINK.get(env.BARE_SINK.idFromName(key)).result());
    }
    const alarm = /^\/_bench\/alarm\/([\w-]+)\/(arm|result)$/.exec(url.pathname);
    if (alarm && request.headers.get("authorization") === `Bearer ${env.ADMIN_TOKEN}`) {
      const stub = env.BARE_ALARM.get(env.BARE_ALARM.idFromName(alarm[1] ?? ""));
      if (alarm[2] === "arm") return Response.json(await stub.arm(Number(url.searchParams.get("at"))));
      return Response.json(await stub.result());
    }
    return (await broadcastRoute(request, env)) ?? worker.fetch(request, env, ctx);
  },
  async queue(batch, env, ctx) {
    if (batch.queue !== "bench-raw") return worker.queue(batch, env, ctx);
    await Promise.all(
      batch.messages.map(async (message) => {
        const { n, key, sentAt } = message.body as { n: number; key: string; sentAt: number };
        await env.BARE_SINK.get(env.BARE_SINK.idFromName(key)).record(n, sentAt);
        message.ack();
      }),
    );
  },
} satisfies ExportedHandler<BenchEnv>;

import { DurableObject } from "cloudflare:workers";
import worker from "../../src/worker";

export * from "../../src/worker";

interface BenchEnv extends Env {
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
 * The raw platform baseline: a Durable Object RPC that does the same SQLite writes as an entity
 * message with an id (upsert the state row, insert the dedup row, in one transaction), with no
 * router, envelope, mailbox or validation.
 */
export class BareObject extends DurableObject<BenchEnv> {
  constructor(ctx: DurableObjectState, env: BenchEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS entities (entity_key TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS dedup (entity_key TEXT NOT NULL, message_id TEXT NOT NULL, reply TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (entity_key, message_id))`);
  }

  increment(key: string, by: number, messageId: string): { value: number } {
    const sql = this.ctx.storage.sql;
    return this.ctx.storage.transactionSync(() => {
      const row = sql.exec<{ state: string }>("SELECT state FROM entities WHERE entity_key = ?", key).toArray()[0];
      const value = (row ? (JSON.parse(row.state) as { value: number }).value : 0) + by;
      const now = Date.now();
      sql.exec("INSERT INTO entities VALUES (?, ?, 1, ?) ON CONFLICT (entity_key) DO UPDATE SET state = excluded.state, version = version + 1, updated_at = excluded.updated_at", key, JSON.stringify({ value }), now);
      sql.exec("INSERT INTO dedup VALUES (?, ?, ?, ?)", key, messageId, JSON.stringify({ value }), now);
      return { value };
    });
  }
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const bare = /^\/_bench\/bare\/(\d+)\/([^/]+)$/.exec(url.pathname);
    if (bare && request.headers.get("authorization") === `Bearer ${env.ADMIN_TOKEN}`) {
      const { by } = await request.json<{ by: number }>();
      const stub = env.BARE.get(env.BARE.idFromName(`bare/${bare[1]}`));
      return Response.json(await stub.increment(decodeURIComponent(bare[2] ?? ""), by, request.headers.get("idempotency-key") ?? crypto.randomUUID()));
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
    return worker.fetch(request, env, ctx);
  },
  async queue(batch, env) {
    if (batch.queue !== "bench-raw") return worker.queue(batch, env);
    await Promise.all(
      batch.messages.map(async (message) => {
        const { n, key, sentAt } = message.body as { n: number; key: string; sentAt: number };
        await env.BARE_SINK.get(env.BARE_SINK.idFromName(key)).record(n, sentAt);
        message.ack();
      }),
    );
  },
} satisfies ExportedHandler<BenchEnv>;

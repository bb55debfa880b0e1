import { DurableObject } from "cloudflare:workers";
import worker from "../../test/fixtures/worker.ts";
import { pollingRoute, type PollingJobs } from "./polling-jobs.ts";
import { tenantBenchRoute } from "./tenant-bench.ts";
import type { PartyBroadcast, RawBroadcast } from "./broadcast-objects.ts";
import { broadcastRoute } from "./broadcast-routes.ts";
import type { BareObject } from "./bare-object.ts";

export * from "../../test/fixtures/worker.ts";
export { PollingJobs } from "./polling-jobs.ts";
export { TenantObject } from "./tenant-bench.ts";
export { PartyBroadcast, RawBroadcast } from "./broadcast-objects.ts";
export { BareObject } from "./bare-object.ts";

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

export default {
  async fetch(request, env, ctx) {
    const polled = await pollingRoute(request, env);
    if (polled) return polled;
    const tenantBench = await tenantBenchRoute(request, env);
    if (tenantBench) return tenantBench;
    const url = new URL(request.url);
    // `/_bench/bare/{shard}/{key}`: deposit; `…/notify`: the hand-rolled notify (202); `…/balance`: read.
    const bare = /^\/_bench\/bare\/(\d+)\/([^/]+?)(?:\/(notify|balance))?$/.exec(url.pathname);
    if (bare && request.headers.get("authorization") === `Bearer ${env.ADMIN_TOKEN}`) {
      const stub = env.BARE.get(env.BARE.idFromName(`bare/${bare[1]}`));
      const key = decodeURIComponent(bare[2] ?? "");
      if (bare[3] === "balance") return Response.json(await stub.balance(key));
      const { amount } = await request.json<{ amount: number }>();
      const id = request.headers.get("idempotency-key") ?? crypto.randomUUID();
      if (bare[3] === "notify") return Response.json(await stub.notify(key, amount, id), { status: 202 });
      return Response.json(await stub.deposit(key, amount, id));
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

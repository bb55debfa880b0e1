import { app as demo } from "./app/index.ts";
import { createApp } from "./http/app.ts";
import { PUBLIC_PATHS } from "./http/middleware/auth.ts";
import { ensureSingletons } from "./singleton/ensure.ts";
import { consumeDeadLetters, consumeEvents } from "./events/consumer.ts";
import { deadLetters } from "./events/dlq-client.ts";
import { Router } from "./shards/index.ts";
import { runtimeConfig } from "./spec/index.ts";

export { GatewayObject, SagaWorkflow, ShardObject, SingletonObject, TenantObject } from "./objects/index.ts";

const app = createApp();
let singletonsEnsured = false;

export default {
  fetch(request, env, ctx) {
    if (!singletonsEnsured && !PUBLIC_PATHS.has(new URL(request.url).pathname)) {
      singletonsEnsured = true;
      ctx.waitUntil(ensureSingletons(env.SINGLETONS, demo.schedules));
    }
    return app.fetch(request, env, ctx);
  },
  /** Cron trigger: a safety net that re-activates every singleton declared in code. */
  scheduled(_controller, env, ctx) {
    ctx.waitUntil(ensureSingletons(env.SINGLETONS, demo.schedules));
  },
  /** Consumers of `events` (delivery to subscriptions) and `events-dlq` (the dead-letter list). Never throw. */
  queue(batch, env) {
    const dlq = deadLetters(env.SINGLETONS);
    if (batch.queue.startsWith("events-dlq")) return consumeDeadLetters(batch, dlq);
    const config = runtimeConfig(env);
    const router = new Router(env.SHARDS, demo.entities);
    return consumeEvents(batch, { env, router, registry: demo.events, dlq, retryBaseSeconds: config.EVENT_RETRY_BASE_SECONDS, tenantIsolation: config.TENANT_ISOLATION });
  },
} satisfies ExportedHandler<Env>;

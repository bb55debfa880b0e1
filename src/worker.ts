import { app as demo } from "./app";
import { createApp } from "./http/app";
import { ensureSingletons } from "./singleton/ensure";

export { GatewayObject, SagaWorkflow, ShardObject, SingletonObject, TenantObject } from "./objects";

const app = createApp();
let singletonsEnsured = false;

export default {
  fetch(request, env, ctx) {
    if (!singletonsEnsured) {
      singletonsEnsured = true;
      ctx.waitUntil(ensureSingletons(env.SINGLETONS, demo.schedules));
    }
    return app.fetch(request, env, ctx);
  },
  /** Cron trigger: a safety net that re-activates every singleton declared in code. */
  scheduled(_controller, env, ctx) {
    ctx.waitUntil(ensureSingletons(env.SINGLETONS, demo.schedules));
  },
  /**
   * Queue consumer for `events` and `events-dlq`. No subscriptions are declared yet, so every
   * message is delivered to zero subscribers and acknowledged. It never throws (a throw would
   * redeliver the whole batch, acknowledged messages included).
   */
  queue: (batch) => {
    for (const message of batch.messages) message.ack();
    return Promise.resolve();
  },
} satisfies ExportedHandler<Env>;

import { createApp } from "./http/app";

export { GatewayObject, SagaWorkflow, ShardObject, SingletonObject, TenantObject } from "./objects";

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
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

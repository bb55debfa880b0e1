import { z } from "zod";
import { createCluster, defineEntity, defineRpc, defineTask, EntityKeySchema } from "durable-cluster";

const Value = z.object({ value: z.number().int() });

/** A counter per key: `increment` adds `by`, `get` reads it. One key's messages run one at a time. */
export const Counter = defineEntity({
  type: "Counter",
  state: Value,
  initial: () => ({ value: 0 }),
  messages: {
    increment: { input: z.object({ by: z.number().int() }), output: Value },
    get: { input: z.object({}), output: Value },
  },
  handlers: {
    increment(ctx, { by }) {
      ctx.state.value += by;
      return { value: ctx.state.value };
    },
    get: (ctx) => ({ value: ctx.state.value }),
  },
});

/** Every hour on the hour (UTC), once per tick for the whole deployment, the counter `ticks` goes up by one. */
export const tick = defineTask({
  name: "tick",
  schedule: { cron: "0 * * * *" }, // or { every: "10s" }, or { cron: "0 9 * * 1-5", tz: "Europe/Paris" }
  handler: async (ctx) => {
    await ctx.router.to(Counter).request("ticks", "increment", { by: 1 }, { messageId: ctx.tickId });
  },
});

/** `counter.add {key, by}` over `/ws/:user`: a retried call (same id) is applied once. */
export const counterAdd = defineRpc({
  method: "counter.add",
  params: z.object({ key: EntityKeySchema, by: z.number().int() }),
  result: Value,
  handler: (ctx, { key, by }) => ctx.router.to(Counter).request(key, "increment", { by }, ctx.callId === undefined ? {} : { messageId: `rpc:${ctx.user}:${ctx.callId}` }),
});

const cluster = createCluster({ entities: [Counter], tasks: [tick], rpc: [counterAdd] });

export default cluster;
// wrangler.toml names these classes.
export class ShardObject extends cluster.objects.ShardObject {}
export class SingletonObject extends cluster.objects.SingletonObject {}
export class GatewayObject extends cluster.objects.GatewayObject {}
export class TenantObject extends cluster.objects.TenantObject {}
export class SagaWorkflow extends cluster.objects.SagaWorkflow {}
export class FleetObject extends cluster.objects.FleetObject {}
export class RolloutWorkflow extends cluster.objects.RolloutWorkflow {}

import { z } from "zod";
import { defineEvent, defineSubscription } from "../events/define";
import { MetadataChangedSchema } from "../spec";
import { defineEntity } from "../shards/define-entity";

/** Emitted by `Counter.increment`, partitioned by the counter key. */
export const CounterIncremented = defineEvent({
  type: "counter.incremented",
  payload: z.object({ key: z.string(), value: z.number().int(), by: z.number().int() }),
});

/** Published from outside (`POST /v1/events`); `failRate` makes its subscriber fail at random, for fault tests. */
export const DemoPing = defineEvent({
  type: "demo.ping",
  payload: z.object({ n: z.number().int(), failRate: z.number().min(0).max(0.9).optional() }),
});

/** Seed 000's metadata:changed, emitted by tenant deploys. */
export const MetadataChanged = defineEvent({ type: "metadata.changed", payload: MetadataChangedSchema });

/** Exactly-once projection of a counter's increments: its values arrive in emit order. */
export const CounterStats = defineEntity({
  type: "CounterStats",
  state: z.object({ increments: z.number().int(), sum: z.number().int(), values: z.array(z.number().int()) }),
  initial: () => ({ increments: 0, sum: 0, values: [] }),
  messages: {
    apply: { input: CounterIncremented.payload, output: z.object({ increments: z.number().int() }) },
    get: { input: z.object({}), output: z.object({ increments: z.number().int(), sum: z.number().int(), values: z.array(z.number().int()) }) },
  },
  handlers: {
    apply(ctx, { value, by }) {
      ctx.state.increments += 1;
      ctx.state.sum += by;
      ctx.state.values = [...ctx.state.values, value].slice(-2000);
      return { increments: ctx.state.increments };
    },
    get: (ctx) => ctx.state,
  },
});

/** Exactly-once log of pings, per partition key: `ns` in the order they were applied. */
export const PingLog = defineEntity({
  type: "PingLog",
  state: z.object({ applied: z.number().int(), ns: z.array(z.number().int()) }),
  initial: () => ({ applied: 0, ns: [] }),
  messages: {
    apply: { input: DemoPing.payload, output: z.object({ applied: z.number().int() }) },
    get: { input: z.object({}), output: z.object({ applied: z.number().int(), ns: z.array(z.number().int()) }) },
  },
  handlers: {
    apply(ctx, { n, failRate }) {
      if (failRate !== undefined && Math.random() < failRate) throw new Error(`injected failure (failRate ${failRate})`);
      ctx.state.applied += 1;
      ctx.state.ns = [...ctx.state.ns, n].slice(-5000);
      return { applied: ctx.state.applied };
    },
    get: (ctx) => ctx.state,
  },
});

export const subscriptions = [
  defineSubscription(CounterIncremented, { name: "counter-stats", deliver: "exactly-once", to: { entityType: "CounterStats", key: (e) => e.key, message: "apply" } }),
  defineSubscription(DemoPing, { name: "ping-log", deliver: "exactly-once", to: { entityType: "PingLog", key: (_e, m) => m.partitionKey ?? "default", message: "apply" } }),
  defineSubscription(DemoPing, { name: "ping-globex", deliver: "at-least-once", tenant: "globex", to: { entityType: "PingLog", key: () => "globex-only", message: "apply", input: (e) => ({ n: e.n }) } }),
];

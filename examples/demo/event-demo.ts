import { z } from "zod";
import { defineEntity, defineEvent, defineSubscription } from "../../src/index.ts";

/** Emitted by `Counter.increment`, partitioned by the counter key. */
export const CounterIncremented = defineEvent({
  type: "counter.incremented",
  payload: z.object({ key: z.string(), value: z.number().int(), by: z.number().int() }),
});

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

export const counterSubscriptions = [
  defineSubscription(CounterIncremented, { name: "counter-stats", deliver: "exactly-once", to: { entityType: "CounterStats", key: (e) => e.key, message: "apply" } }),
  // Realtime: increments of counters keyed `live-*` go to the topic `counters.<key>` and to the user `<key>`.
  defineSubscription(CounterIncremented, { name: "counter-live", deliver: "at-least-once", when: (e) => e.key.startsWith("live-"), to: { topic: (e) => `counters.${e.key}` } }),
  defineSubscription(CounterIncremented, { name: "counter-owner", deliver: "at-least-once", when: (e) => e.key.startsWith("live-"), to: { user: (e) => e.key } }),
];

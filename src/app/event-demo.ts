import { z } from "zod";
import { defineEvent, defineSubscription } from "../events/define.ts";
import { MetadataChangedSchema } from "../spec/index.ts";
import { realtime } from "../realtime/realtime.ts";
import { defineEntity } from "../shards/define-entity.ts";

/** Emitted by `Counter.increment`, partitioned by the counter key. */
export const CounterIncremented = defineEvent({
  type: "counter.incremented",
  payload: z.object({ key: z.string(), value: z.number().int(), by: z.number().int() }),
});

/** Published from outside (`POST /v1/events`); `failRate` makes its subscriber fail at random (1: always), for fault tests. */
export const DemoPing = defineEvent({
  type: "demo.ping",
  payload: z.object({
    n: z.number().int(),
    failRate: z.number().min(0).max(1).optional(),
    sentAt: z.number().int().optional().describe("When the publisher sent it (ms since the epoch): the subscriber records the lag"),
  }),
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

const PingState = z.object({ applied: z.number().int(), ns: z.array(z.number().int()), blocked: z.array(z.number().int()), lags: z.array(z.number().int()) });

/**
 * Exactly-once log of pings, per partition key: `ns` in the order they were applied. `block {n}`
 * makes every delivery of ping `n` fail until `unblock {n}`: a subscriber outage, for tests.
 */
export const PingLog = defineEntity({
  type: "PingLog",
  state: PingState,
  initial: () => ({ applied: 0, ns: [], blocked: [], lags: [] }),
  messages: {
    apply: { input: DemoPing.payload, output: z.object({ applied: z.number().int() }) },
    get: { input: z.object({}), output: PingState },
    block: { input: z.object({ n: z.number().int() }), output: z.object({}) },
    unblock: { input: z.object({ n: z.number().int() }), output: z.object({}) },
  },
  handlers: {
    apply(ctx, { n, failRate, sentAt }) {
      if (ctx.state.blocked.includes(n)) throw new Error(`ping ${n} is blocked`);
      if (failRate !== undefined && Math.random() < failRate) throw new Error(`injected failure (failRate ${failRate})`);
      ctx.state.applied += 1;
      ctx.state.ns = [...ctx.state.ns, n].slice(-5000);
      if (sentAt !== undefined) ctx.state.lags = [...ctx.state.lags, Date.now() - sentAt].slice(-20_000);
      return { applied: ctx.state.applied };
    },
    get: (ctx) => ctx.state,
    block: (ctx, { n }) => ((ctx.state.blocked = [...ctx.state.blocked, n]), {}),
    unblock: (ctx, { n }) => ((ctx.state.blocked = ctx.state.blocked.filter((b) => b !== n)), {}),
  },
});

export const subscriptions = [
  defineSubscription(CounterIncremented, { name: "counter-stats", deliver: "exactly-once", to: { entityType: "CounterStats", key: (e) => e.key, message: "apply" } }),
  defineSubscription(DemoPing, { name: "ping-log", deliver: "exactly-once", to: { entityType: "PingLog", key: (_e, m) => m.partitionKey ?? "default", message: "apply" } }),
  defineSubscription(DemoPing, { name: "ping-globex", deliver: "at-least-once", tenant: "globex", to: { entityType: "PingLog", key: () => "globex-only", message: "apply", input: (e) => ({ n: e.n }) } }),
  // Realtime (STRM-02): increments of counters keyed `live-*` go to the topic `counters.<key>` and to the user `<key>`.
  defineSubscription(CounterIncremented, { name: "counter-live", deliver: "at-least-once", when: (e) => e.key.startsWith("live-"), to: { topic: (e) => `counters.${e.key}` } }),
  defineSubscription(CounterIncremented, { name: "counter-owner", deliver: "at-least-once", when: (e) => e.key.startsWith("live-"), to: { user: (e) => e.key } }),
  // Fails the first attempt of `live-flaky-*` increments, so the Queue really redelivers them (to every subscription of the message),
  // then tells the user `<key>` it ran again.
  defineSubscription(CounterIncremented, {
    name: "counter-flaky",
    deliver: "at-least-once",
    when: (e) => e.key.startsWith("live-flaky-"),
    to: {
      run: async (e, _m, ctx) => {
        if (ctx.attempt === 1) throw new Error("live-flaky-: the first attempt fails (a real Queue redelivery, for tests)");
        // Evidence for the tests that the redelivery ran (the bridged event itself is shown once).
        await realtime(ctx.env).sendToUser(e.key, { redelivered: ctx.attempt });
      },
    },
  }),
  // Best-effort, for tenant `lossy` only: one attempt, never retried, never held for ordering.
  defineSubscription(DemoPing, { name: "ping-lossy", deliver: "best-effort", tenant: "lossy", to: { entityType: "PingLog", key: (_e, m) => `be-${m.partitionKey ?? "default"}`, message: "apply" } }),
];

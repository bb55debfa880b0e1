import { z } from "zod";
import { ClusterContextSchema, defineEntity } from "../../src/index.ts";

const Value = z.object({ value: z.number().int().describe("The counter's value after the message") });

/**
 * The demo counter: 64 shards; `increment` adds `by` and emits `counter.incremented` (partitioned
 * by the counter key, so subscribers see one counter's increments in order); `context` returns the
 * handler's cluster context; the `stats` broadcast sums every counter of a shard.
 */
export const Counter = defineEntity({
  type: "Counter",
  shards: 64,
  state: z.object({ value: z.number().int() }),
  initial: () => ({ value: 0 }),
  messages: {
    increment: { input: z.object({ by: z.number().int().min(-1_000_000).max(1_000_000).describe("Amount to add") }), output: Value },
    get: { input: z.object({}), output: Value },
    context: { input: z.object({}), output: ClusterContextSchema.extend({ value: z.number().int() }) },
  },
  handlers: {
    increment(ctx, { by }) {
      ctx.state.value += by;
      ctx.emit("counter.incremented", { key: ctx.cluster.entityKey, value: ctx.state.value, by }, { scope: "cluster", partitionKey: ctx.cluster.entityKey });
      return { value: ctx.state.value };
    },
    get: (ctx) => ({ value: ctx.state.value }),
    context: (ctx) => ({ ...ctx.cluster, value: ctx.state.value }),
  },
  broadcasts: {
    stats: { input: z.object({}), output: z.object({ shardId: z.number().int(), entities: z.number().int(), total: z.number().int() }) },
  },
  broadcastHandlers: {
    stats(ctx) {
      const entities = ctx.entities();
      return { shardId: ctx.shardId, entities: entities.length, total: entities.reduce((sum, e) => sum + e.state.value, 0) };
    },
  },
});

import { defineService, defineTask, type PartitionContext, type TaskContext } from "../../src/index.ts";
import { Counter } from "./counter.ts";
import { TickLog } from "./tick-log.ts";

function record(source: string, ctx: TaskContext | PartitionContext, shardId?: number): Promise<unknown> {
  const entry = { source, tickId: ctx.tickId, isLeader: ctx.cluster.isLeader, ...(shardId === undefined ? {} : { shardId }) };
  // No message id for partition runs: the log then shows every time a shard really ran.
  return ctx.router.to(TickLog).request(source, "record", entry, shardId === undefined ? { messageId: ctx.tickId } : {});
}

/**
 * A task in code: every 10 minutes the `heartbeat` counter goes up by one, once per tick, and the
 * tick is logged (with its isLeader flag, false: a plain task is not a leader-elected service).
 */
export const heartbeat = defineTask({
  name: "heartbeat",
  singleton: "default",
  schedule: { every: "10m" },
  handler: async (ctx) => {
    await ctx.router.to(Counter).request("heartbeat", "increment", { by: 1 }, { messageId: ctx.tickId });
    await record("heartbeat", ctx);
  },
});

/** Leader-elected: runs once per tick in the singleton `leader-report`, the only place isLeader is true. */
export const leaderReport = defineService({
  name: "leader-report",
  annotations: { clusterScope: "cluster", leaderStrategy: "leader-elected" },
  schedule: { every: "5m" },
  run: async (ctx) => void (await record("leader-report", ctx)),
});

/** Partitioned: every Counter shard runs it once per tick for its own entities. */
export const partitionSweep = defineService({
  name: "partition-sweep",
  annotations: { clusterScope: "cluster", leaderStrategy: "partitioned" },
  partitionedBy: "Counter",
  schedule: { every: "1h" },
  run: async (ctx) => void (await record("partition-sweep", ctx, "shard" in ctx ? ctx.shard.shardId : undefined)),
});

/** Idempotent broadcast: every Account shard runs it for every tick, with the tick id as its idempotency key. */
export const broadcastRefresh = defineService({
  name: "broadcast-refresh",
  annotations: { clusterScope: "cluster", leaderStrategy: "idempotent-broadcast" },
  partitionedBy: "Account",
  schedule: { every: "1h" },
  run: async (ctx) => void (await record("broadcast-refresh", ctx, "shard" in ctx ? ctx.shard.shardId : undefined)),
});

export const tasks = [heartbeat];
export const services = [leaderReport, partitionSweep, broadcastRefresh];

import { ScheduleSchema, ServiceClusterAnnotationsSchema, SingletonNameSchema, TaskIdSchema, type CatchUp, type Schedule, type ServiceClusterAnnotations } from "../spec/index.ts";
import type { Router } from "../shards/index.ts";
import type { ShardContext } from "../shards/entity.ts";
import { DEFAULT_CATCH_UP_CAP } from "./catch-up.ts";
import { validateSchedule } from "./schedule.ts";
import type { ClusterEnv } from "../env.ts";
import { clock } from "../clock.ts";

/** What a task handler (or a leader-elected service) gets for one tick. */
export interface TaskContext {
  readonly tickId: string;
  readonly taskId: string;
  readonly singleton: string;
  readonly scheduledAt: Date;
  readonly attempt: number;
  readonly env: ClusterEnv;
  readonly router: Router;
  /** `isLeader` is true only for a leader-elected service; a plain task sees false (CLUS-04). */
  readonly cluster: { readonly requestId: string; readonly isLeader: boolean };
}

/** What a partitioned or broadcast service gets in each shard. */
export interface PartitionContext {
  readonly tickId: string;
  readonly scheduledAt: Date;
  readonly env: ClusterEnv;
  readonly router: Router;
  readonly shard: ShardContext<unknown>;
  readonly cluster: { readonly requestId: string; readonly isLeader: false };
}

export interface TaskDefinition {
  readonly name: string;
  readonly singleton: string;
  readonly schedule: Schedule;
  readonly catchUp: CatchUp;
  readonly catchUpCap: number;
  readonly maxAttempts: number;
  readonly handler: (ctx: TaskContext) => Promise<void> | void;
}

export interface ServiceDefinition {
  readonly name: string;
  readonly annotations: ServiceClusterAnnotations;
  readonly schedule: Schedule;
  /** The entity type whose shards are the partitions (`partitioned`, `idempotent-broadcast`). */
  readonly partitionedBy?: string;
  readonly maxAttempts: number;
  readonly run: (ctx: TaskContext | PartitionContext) => Promise<void> | void;
}

function checkSchedule(where: string, schedule: Schedule): Schedule {
  const parsed = ScheduleSchema.parse(schedule);
  try {
    validateSchedule(parsed, clock.now());
  } catch (err) {
    throw new Error(`${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return parsed;
}

/**
 * Declares a scheduled task in code. It lives in the singleton `singleton` (default `"default"`),
 * is upserted when that singleton activates, and retired when the code no longer declares it.
 * Defaults: catch-up `skip`, 3 attempts per tick.
 *
 * @example defineTask({ name: "nightly-report", schedule: { cron: "0 2 * * *", tz: "Europe/Paris" }, handler: (ctx) => report(ctx.tickId) })
 */
export function defineTask(config: { name: string; singleton?: string; schedule: Schedule; catchUp?: CatchUp; catchUpCap?: number; maxAttempts?: number; handler: TaskDefinition["handler"] }): TaskDefinition {
  return {
    name: TaskIdSchema.parse(config.name),
    singleton: SingletonNameSchema.parse(config.singleton ?? "default"),
    schedule: checkSchedule(`defineTask(${config.name})`, config.schedule),
    catchUp: config.catchUp ?? "skip",
    catchUpCap: config.catchUpCap ?? DEFAULT_CATCH_UP_CAP,
    maxAttempts: config.maxAttempts ?? 3,
    handler: config.handler,
  };
}

/**
 * Declares a cluster service run on a schedule, per `ServiceClusterAnnotations` (seed 000):
 * `leader-elected` runs once per tick in the singleton named `clusterId` (default the service
 * name) with `isLeader: true`; `partitioned` runs once per tick in every shard of `partitionedBy`,
 * deduplicated by tick id; `idempotent-broadcast` runs in every shard of `partitionedBy` with the
 * tick id as its idempotency key (at-least-once). `clusterScope: "node"` is refused: there are no
 * per-process copies on Durable Objects.
 */
export function defineService(config: { name: string; annotations: ServiceClusterAnnotations; schedule: Schedule; partitionedBy?: string; maxAttempts?: number; run: ServiceDefinition["run"] }): ServiceDefinition {
  const annotations = ServiceClusterAnnotationsSchema.parse(config.annotations);
  const where = `defineService(${config.name})`;
  if (annotations.clusterScope !== "cluster" || !annotations.leaderStrategy) throw new Error(`${where}: needs clusterScope "cluster" and a leaderStrategy`);
  if (annotations.leaderStrategy !== "leader-elected" && !config.partitionedBy) throw new Error(`${where}: ${annotations.leaderStrategy} needs partitionedBy (an entity type)`);
  TaskIdSchema.parse(`service:${config.name}`);
  SingletonNameSchema.parse(annotations.clusterId ?? config.name);
  return { ...config, annotations, schedule: checkSchedule(where, config.schedule), maxAttempts: config.maxAttempts ?? 3 };
}

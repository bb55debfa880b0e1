import type { EntityRegistry } from "../shards/index.ts";
import type { ShardTarget } from "../shards/delivery.ts";
import { unwrap } from "../shards/delivery.ts";
import type { Problem, ShardId } from "../spec/index.ts";
import type { ServiceDefinition, TaskContext } from "./define.ts";

/** The tick a partition runs: the singleton's tick id is every shard's idempotency key. */
export interface PartitionTick {
  readonly tickId: string;
  readonly scheduledAt: number;
  /** `partitioned` runs are deduplicated per shard by tick id; `idempotent-broadcast` runs are not. */
  readonly dedup: boolean;
}

interface ServiceShardStub {
  runService(target: ShardTarget, service: string, tick: PartitionTick): Promise<{ ok: true; value: { duplicate: boolean } } | { ok: false; problem: Problem; headers: Record<string, string> }>;
}
interface ServiceShardNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): ServiceShardStub;
}

/**
 * Runs one tick of a service per its leader strategy. `leader-elected` runs here, in its
 * singleton, with `isLeader: true`. The partitioned strategies fan out one call per shard of the
 * partition entity type; if any shard fails the tick fails and is retried, and shards that already
 * ran it (partitioned) answer from their dedup record.
 */
export async function runServiceTick(service: ServiceDefinition, ctx: TaskContext, shards: ServiceShardNamespace, entities: EntityRegistry): Promise<{ shards: number; duplicates: number }> {
  if (service.annotations.leaderStrategy === "leader-elected") {
    await service.run({ ...ctx, cluster: { ...ctx.cluster, isLeader: true } });
    return { shards: 0, duplicates: 0 };
  }
  const entity = entities.require(service.partitionedBy ?? "");
  const tick: PartitionTick = { tickId: ctx.tickId, scheduledAt: ctx.scheduledAt.getTime(), dedup: service.annotations.leaderStrategy === "partitioned" };
  const results = await Promise.allSettled(
    Array.from({ length: entity.shards }, (_, i) => {
      const target: ShardTarget = { entityType: entity.type, shardId: i as ShardId, numShards: entity.shards, seed: entities.seed };
      return shards.get(shards.idFromName(`${entity.type}/${i}`)).runService(target, service.name, tick).then(unwrap);
    }),
  );
  const failed = results.flatMap((r, shard) => (r.status === "rejected" ? [`shard ${shard}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`] : []));
  if (failed.length > 0) throw new Error(`${failed.length} of ${entity.shards} partitions failed: ${failed.slice(0, 3).join("; ")}`);
  return { shards: entity.shards, duplicates: results.filter((r) => r.status === "fulfilled" && r.value.duplicate).length };
}

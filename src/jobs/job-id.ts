import { JobIdSchema, type JobId } from "../spec/index.ts";
import { shardOf } from "../shards/shard-hash.ts";

/**
 * Jobs live in their own shard space: `ShardObject`s named `Jobs/<shard>`, 16 shards, routed
 * with the cluster's hash. A job's shard is `shardOf(idempotencyKey)` when it has one (so every
 * repeat, whatever its `key`, finds the first: the key's UNIQUE index is per shard), else
 * `shardOf(key)`, else random. Its id is `j<shard>_<32 hex>`: reading the shard off the id routes
 * every lookup without an index.
 */
export const JOB_ENTITY_TYPE = "Jobs";
export const JOB_SHARDS = 16;

/** The shard of a submit. */
export function jobShard(routingKey: string | undefined, seed = ""): number {
  return routingKey === undefined ? Math.floor(Math.random() * JOB_SHARDS) : shardOf(routingKey, JOB_SHARDS, seed);
}

/** A fresh job id for a job of `shard`. */
export function newJobId(shard: number): JobId {
  return JobIdSchema.parse(`j${shard}_${crypto.randomUUID().replaceAll("-", "")}`);
}

/** The shard a job id names, or null when it names none (so the job cannot exist: 404). */
export function shardOfJobId(id: string): number | null {
  const match = /^j(\d{1,5})_[0-9a-f]{32}$/.exec(id);
  if (!match) return null;
  const shard = Number(match[1]);
  return shard < JOB_SHARDS ? shard : null;
}

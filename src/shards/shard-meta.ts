import { AppError, type EntityType, type ShardId } from "../spec/index.ts";
import type { ShardTarget } from "./delivery.ts";

/**
 * A shard object's identity, stored on first use: the entity type and shard it serves and the
 * routing parameters (shard count, seed) it was created under. Keys were hashed with those
 * parameters; serving under others would route keys to the wrong owner, so a disagreement makes
 * the shard refuse to start: changing a type's shard count is a migration, not a runtime event.
 */
export function bindShard(sql: SqlStorage, target: ShardTarget, objectName: string): void {
  const stored = storedTarget(sql);
  if (!stored) {
    const rows: [string, string][] = [["entity_type", target.entityType], ["shard_id", String(target.shardId)], ["num_shards", String(target.numShards)], ["seed", target.seed], ["object_name", objectName]];
    for (const [k, v] of rows) sql.exec("INSERT INTO shard_meta (k, v) VALUES (?, ?)", k, v);
    return;
  }
  if (stored.entityType !== target.entityType || stored.shardId !== target.shardId) {
    throw new AppError("internal", `shard object ${objectName} serves ${stored.entityType}/${stored.shardId}, not ${target.entityType}/${target.shardId}`);
  }
  assertSameRouting(stored, target, objectName);
}

/** Throws 503 `misconfigured` when the declared shard count or seed differs from the stored one. */
export function assertSameRouting(stored: ShardTarget, declared: Pick<ShardTarget, "numShards" | "seed">, objectName: string): void {
  if (stored.numShards !== declared.numShards) {
    throw new AppError(
      "misconfigured",
      `entity type ${stored.entityType} declares ${declared.numShards} shards but shard object ${objectName} was created with ${stored.numShards}; changing a type's shard count is a migration, not a runtime event — restore shards: ${stored.numShards}`,
    );
  }
  if (stored.seed !== declared.seed) {
    throw new AppError("misconfigured", `shard object ${objectName} was created with routing seed '${stored.seed}', the registry declares '${declared.seed}'; changing the seed is a migration`);
  }
}

/** The identity stored by {@link bindShard}, or null for a shard never used. */
export function storedTarget(sql: SqlStorage): ShardTarget | null {
  const meta = new Map(sql.exec<{ k: string; v: string }>("SELECT k, v FROM shard_meta").toArray().map((r) => [r.k, r.v]));
  const entityType = meta.get("entity_type");
  if (entityType === undefined) return null;
  return { entityType: entityType as EntityType, shardId: Number(meta.get("shard_id")) as ShardId, numShards: Number(meta.get("num_shards")), seed: meta.get("seed") ?? "" };
}

export { defineEntity } from "./define-entity.ts";
export type { AnyEntity, EntityDefinition, HandlerContext, MessageSpec, ShardContext } from "./entity.ts";
export { createRegistry, type EntityRegistry } from "./registry.ts";
export { Router, MAX_PAYLOAD_BYTES, type BroadcastResult, type EntityClient, type SendOptions } from "./router.ts";
export { shardOf, SHARD_HASH_ALGORITHM } from "./shard-hash.ts";
export { DEDUP_RETENTION_MS } from "./dedup.ts";

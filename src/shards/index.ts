export { defineEntity } from "./define-entity";
export type { AnyEntity, EntityDefinition, HandlerContext, MessageSpec, ShardContext } from "./entity";
export { createRegistry, type EntityRegistry } from "./registry";
export { Router, MAX_PAYLOAD_BYTES, type BroadcastResult, type EntityClient, type SendOptions } from "./router";
export { shardOf, SHARD_HASH_ALGORITHM } from "./shard-hash";
export { DEDUP_RETENTION_MS } from "./dedup";

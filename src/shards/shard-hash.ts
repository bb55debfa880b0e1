import { blake2b } from "@noble/hashes/blake2.js";

/** The routing hash, named as `/v1/cluster` reports it. */
export const SHARD_HASH_ALGORITHM = "blake2b-64" as const;

const encoder = new TextEncoder();

/**
 * The shard that owns `key`: exactly clstr-go's `ShardFromString`, so Go services using clstr-go
 * route every key to the same shard. BLAKE2b with its digest-length parameter set to 8 bytes (a
 * BLAKE2b-64 digest, not a truncated BLAKE2b-512) over `seed || 0x00 || key` when `seed` is
 * non-empty (`key` alone otherwise), both UTF-8; read as a big-endian unsigned 64-bit integer,
 * modulo `numShards`. `numShards = 0` gives 0.
 *
 * @example shardOf("user-123", 64) // the same number clstr-go's ShardFromString("user-123", 64, "") gives
 */
export function shardOf(key: string, numShards: number, seed = ""): number {
  if (numShards === 0) return 0;
  const keyBytes = encoder.encode(key);
  const seedBytes = encoder.encode(seed);
  const input = seed === "" ? keyBytes : new Uint8Array(seedBytes.length + 1 + keyBytes.length);
  if (seed !== "") {
    input.set(seedBytes, 0);
    input.set(keyBytes, seedBytes.length + 1);
  }
  const digest = blake2b(input, { dkLen: 8 });
  const value = new DataView(digest.buffer, digest.byteOffset, 8).getBigUint64(0, false);
  return Number(value % BigInt(numShards));
}

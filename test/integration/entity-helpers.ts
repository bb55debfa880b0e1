import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { shardOf } from "../../src/shards/index.ts";
import { admin, BASE } from "./helpers.ts";

/** POSTs a message to an entity through the Worker. */
export function send(type: string, key: string, message: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(`${BASE}/v1/entities/${type}/${encodeURIComponent(key)}/${message}`, {
    method: "POST",
    headers: admin({ "content-type": "application/json", ...headers }),
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The stub of the shard object that owns `key` (64 shards, no seed: the demo's routing). */
export function shardStub(type: string, key: string, shards = 64) {
  return env.SHARDS.get(env.SHARDS.idFromName(`${type}/${shardOf(key, shards)}`));
}

/** Runs SQL inside the shard object that owns `key` and returns the rows. */
export function rows<T extends Record<string, SqlStorageValue>>(type: string, key: string, query: string, ...params: SqlStorageValue[]): Promise<T[]> {
  return runInDurableObject(shardStub(type, key), (_instance, state) => state.storage.sql.exec<T>(query, ...params).toArray());
}

/** A key no other test uses. */
export function freshKey(prefix = "k"): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

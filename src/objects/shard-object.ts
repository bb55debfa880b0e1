import { DurableObject } from "cloudflare:workers";
import type { Pong } from "./ping";

/** One shard of one entity type (`<entityType>/<shard>`): the single owner of its entities. */
export class ShardObject extends DurableObject<Env> {
  ping(): Pong {
    return { ok: true, object: "ShardObject" };
  }
}

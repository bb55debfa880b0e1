import { DurableObject } from "cloudflare:workers";
import type { Pong } from "./ping";

/** One socket gateway shard (`gateway/<n>`): hibernatable WebSockets, SSE streams and topics. */
export class GatewayObject extends DurableObject<Env> {
  ping(): Pong {
    return { ok: true, object: "GatewayObject" };
  }
}

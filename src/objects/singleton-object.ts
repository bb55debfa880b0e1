import { DurableObject } from "cloudflare:workers";
import type { Pong } from "./ping";

/** One per singleton name: its tasks share one alarm. */
export class SingletonObject extends DurableObject<Env> {
  ping(): Pong {
    return { ok: true, object: "SingletonObject" };
  }
}

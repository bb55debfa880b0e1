import { DurableObject } from "cloudflare:workers";
import type { Pong } from "./ping";

/** One per tenant: the tenant's own SQLite database. */
export class TenantObject extends DurableObject<Env> {
  ping(): Pong {
    return { ok: true, object: "TenantObject" };
  }
}

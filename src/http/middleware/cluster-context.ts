import type { MiddlewareHandler } from "hono";
import { TraceparentSchema, type ClusterContext, type RequestId } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";

/**
 * Builds the request's cluster context (CLUS-04): request id, the W3C `traceparent` when the
 * caller sent a valid one (passed through to every Durable Object call), and the colo. Entity
 * routes add the shard fields; leader-elected services set `isLeader`.
 */
export function clusterContext(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("traceparent");
    const traceparent = header === undefined ? { success: false as const } : TraceparentSchema.safeParse(header);
    const cf = (c.req.raw as Request & { cf?: { colo?: unknown } }).cf;
    const context: ClusterContext = {
      requestId: c.get("requestId") as RequestId,
      isLeader: false,
      ...(traceparent.success ? { traceparent: traceparent.data } : {}),
      ...(typeof cf?.colo === "string" ? { colo: cf.colo } : {}),
    };
    c.set("cluster", context);
    if (context.traceparent) c.header("traceparent", context.traceparent);
    await next();
  };
}

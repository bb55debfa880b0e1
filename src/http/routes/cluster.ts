import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { ClusterCapabilityConfigSchema, ClusterContextSchema, ProblemSchema } from "../../spec";
import type { AppEnv } from "../env";

/** The node info of this deployment (clstr-go's `GetNodeInfo`). */
export const ClusterInfoSchema = z
  .object({
    config: ClusterCapabilityConfigSchema.describe("Cluster capability configuration in effect"),
    context: ClusterContextSchema.describe("The cluster context of this request"),
  })
  .describe("Cluster node info");

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });

const getCluster = createRoute({
  method: "get",
  path: "/v1/cluster",
  tags: ["cluster"],
  summary: "Cluster configuration and the caller's cluster context",
  security: [{ adminBearer: [] }],
  responses: { 200: { description: "Node info", content: { "application/json": { schema: ClusterInfoSchema } } }, 401: problem("Missing or invalid admin token") },
});

export function registerClusterRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(getCluster, (c) => c.json({ config: ClusterCapabilityConfigSchema.parse({}), context: c.get("cluster") }, 200));
}

import { assertAppEntityType } from "../../cluster/platform.ts";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { ResolvedApp } from "../../cluster/app.ts";
import { SHARD_HASH_ALGORITHM } from "../../shards/index.ts";
import { ClusterCapabilityConfigSchema, ClusterContextSchema, ClusterServiceSchema, ProblemSchema } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";
import { readInput, sendOptions } from "./entity-input.ts";
import { clock } from "../../clock.ts";

/** The node info of this deployment (clstr-go's `GetNodeInfo`). */
export const ClusterInfoSchema = z
  .object({
    config: ClusterCapabilityConfigSchema.describe("Cluster capability configuration in effect"),
    context: ClusterContextSchema.describe("The cluster context of this request"),
    hash: z.object({ algorithm: z.literal(SHARD_HASH_ALGORITHM), seed: z.string(), compatibleWith: z.string() }).describe("Key-to-shard routing"),
    entityTypes: z.array(z.object({ type: z.string(), shards: z.number().int(), messages: z.array(z.string()), broadcasts: z.array(z.string()), timeoutMs: z.number().int() })).describe("Declared entity types"),
    services: z.array(ClusterServiceSchema).describe("Declared services with their leader strategy"),
  })
  .describe("Cluster node info");

const BroadcastResultsSchema = z
  .object({ results: z.array(z.object({ shardId: z.number().int(), ok: z.boolean(), reply: z.unknown().optional(), error: ProblemSchema.optional() })) })
  .describe("One result per shard; a failing shard does not block the others");

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });

const getCluster = createRoute({
  method: "get",
  path: "/v1/cluster",
  tags: ["cluster"],
  summary: "Entity types, shard counts, the routing hash and seed, and the caller's cluster context",
  security: [{ adminBearer: [] }],
  responses: { 200: { description: "Node info", content: { "application/json": { schema: ClusterInfoSchema } } }, 401: problem("Missing or invalid admin token") },
});

const broadcast = createRoute({
  method: "post",
  path: "/v1/broadcast/{type}/{message}",
  tags: ["cluster"],
  summary: "Send a broadcast message to every shard of an entity type",
  security: [{ adminBearer: [] }],
  request: { params: z.object({ type: z.string(), message: z.string() }), body: { required: false, content: { "application/json": { schema: z.unknown() } } } },
  responses: {
    200: { description: "Per-shard results", content: { "application/json": { schema: BroadcastResultsSchema } } },
    400: problem("Invalid input"),
    401: problem("Missing or invalid admin token"),
    404: problem("Unknown entity type or broadcast message"),
  },
});

/** The services of the app, from the schedule registry (each is a task of its singleton). */
function declaredServices(cluster: ResolvedApp) {
  const { schedules } = cluster;
  return schedules.singletons().flatMap((name) => schedules.tasksFor(name)).flatMap(({ service: s }) => (s ? [{ name: s.name, clusterScope: s.annotations.clusterScope, leaderStrategy: s.annotations.leaderStrategy ?? null }] : []));
}

export function registerClusterRoutes(app: OpenAPIHono<AppEnv>, cluster: ResolvedApp): void {
  app.openapi(getCluster, (c) =>
    c.json(
      {
        config: ClusterCapabilityConfigSchema.parse({}),
        context: c.get("cluster"),
        hash: { algorithm: SHARD_HASH_ALGORITHM, seed: cluster.entities.seed, compatibleWith: "clstr-go cluster.ShardFromString" },
        entityTypes: cluster.entities.list().map((e) => ({ type: e.type, shards: e.shards, messages: Object.keys(e.messages), broadcasts: Object.keys(e.broadcasts), timeoutMs: e.timeoutMs })),
        services: declaredServices(cluster),
      },
      200,
    ),
  );

  app.openapi(broadcast, async (c) => {
    const { type, message } = c.req.param();
    assertAppEntityType(type);
    const results = await cluster.router(c.env).broadcast(type, message, await readInput(c), sendOptions(c, clock.now()));
    return c.json({ results }, 200);
  });
}

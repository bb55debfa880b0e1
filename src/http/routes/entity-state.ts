import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { ResolvedApp } from "../../cluster/app.ts";
import { assertAppEntityType } from "../../cluster/platform.ts";
import { Directory } from "../../singleton/directory.ts";
import { ProblemSchema } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";
import { EntityInfoSchema } from "./entities.ts";
import { pathKey } from "./entity-input.ts";

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });
const iso = (ms: number) => new Date(ms).toISOString();

export const EntityStateSchema = EntityInfoSchema.extend({
  state: z.unknown().describe("The stored state (null before the entity's first applied message)"),
  version: z.number().int().describe("0 before the first applied message, then one more per message that changed the state"),
  updatedAt: z.string().nullable(),
  dedupRecords: z.number().int().describe("Replies kept for repeated message ids (the dedup window)"),
  inbox: z.object({ pending: z.number().int(), running: z.number().int(), failed: z.number().int() }).describe("This key's messages in its shard's inbox"),
  recent: z.array(z.object({ messageId: z.string(), message: z.string(), at: z.string(), expiresAt: z.string(), reply: z.unknown().describe("The outcome: the reply kept for the id") })).describe("The last 20 messages applied with an id, newest first"),
  failed: z.array(z.object({ messageId: z.string(), message: z.string(), attempts: z.number().int(), error: z.string().nullable(), at: z.string() })).describe("The key's notifies given up after their attempts (the last 20), newest first"),
}).describe("An entity as the shard that owns it holds it");

const route = createRoute({
  method: "get",
  path: "/v1/entities/{type}/{key}/_state",
  tags: ["entities"],
  summary: "An entity's state, version, recent messages and inbox, read from its shard (never creates one)",
  security: [{ adminBearer: [] }],
  request: { params: z.object({ type: z.string().describe("Entity type, e.g. Counter"), key: z.string().describe("Entity key, percent-encoded") }) },
  responses: {
    200: { description: "The entity", content: { "application/json": { schema: EntityStateSchema } } },
    401: problem("Missing or invalid admin token"),
    404: problem("Unknown entity type, or a key whose shard was never created"),
  },
});

/** `GET /v1/entities/{type}/{key}/_state`: what the inspector shows of one entity. */
export function registerEntityStateRoute(app: OpenAPIHono<AppEnv>, cluster: ResolvedApp): void {
  app.openapi(route, async (c) => {
    assertAppEntityType(c.req.param("type"));
    const { target, objectName, objectId, key } = cluster.router(c.env).locate(c.req.param("type"), pathKey(c));
    await new Directory(c.env.SINGLETONS).require("shard", objectName, `no entity '${target.entityType}/${key}': its shard was never created`);
    const found = await c.env.SHARDS.get(c.env.SHARDS.idFromName(objectName)).inspect(key);
    return c.json({
      entityType: target.entityType, key, shardId: target.shardId, numShards: target.numShards, objectName, objectId,
      state: found.stateJson === null ? null : (JSON.parse(found.stateJson) as unknown), version: found.version, updatedAt: found.updatedAt === null ? null : iso(found.updatedAt),
      dedupRecords: found.dedupRecords, inbox: found.inbox,
      recent: found.recent.map((r) => ({ messageId: r.messageId, message: r.message, at: iso(r.at), expiresAt: iso(r.expiresAt), reply: JSON.parse(r.replyJson) as unknown })),
      failed: found.failed.map((f) => ({ ...f, at: iso(f.at) })),
    }, 200);
  });
}

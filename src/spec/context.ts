import { z } from "zod";
import { EntityKeySchema, EntityTypeSchema, RequestIdSchema, ShardIdSchema } from "./ids.ts";

/** A W3C `traceparent` header: version-traceid-parentid-flags, lower-case hex. */
export const TraceparentSchema = z.string().regex(/^[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/).describe("W3C traceparent header");

/**
 * The cluster context (CLUS-04) every request and handler sees. HTTP routes get the request
 * fields; entity handlers also get the entity, shard and object fields; `isLeader` is true only
 * inside a leader-elected singleton service.
 */
export const ClusterContextSchema = z
  .object({
    requestId: RequestIdSchema,
    traceparent: TraceparentSchema.optional(),
    colo: z.string().optional().describe("Cloudflare data centre that received the request"),
    entityType: EntityTypeSchema.optional(),
    entityKey: EntityKeySchema.optional(),
    shardId: ShardIdSchema.optional(),
    objectName: z.string().optional().describe("Name of the Durable Object handling the work"),
    objectId: z.string().optional().describe("Hex id of the Durable Object handling the work"),
    isLeader: z.boolean().describe("True only inside a leader-elected singleton service"),
  })
  .describe("Cluster context of a request or handler");
export type ClusterContext = z.infer<typeof ClusterContextSchema>;

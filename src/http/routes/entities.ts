import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { ResolvedApp } from "../../cluster/app.ts";
import { ProblemSchema } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";
import { assertAppEntityType, PLATFORM_ENTITIES } from "../../cluster/platform.ts";
import { pathKey, prefersAsync, readInput, sendOptions } from "./entity-input.ts";
import { clock } from "../../clock.ts";

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });
const Params = z.object({
  type: z.string().describe("Entity type, e.g. Counter"),
  key: z.string().describe("Entity key: a string of 1–256 bytes in UTF-8, percent-encoded"),
  message: z.string().describe("Message name, e.g. increment"),
});
const envelopeHeaders = z.object({
  "idempotency-key": z.string().optional().describe("Message id: a redelivery returns the stored reply with Idempotent-Replayed: true (24 h)"),
  "x-envelope-ttl-ms": z.string().optional().describe("Time to live in ms from X-Envelope-Created-At; expired envelopes are refused with envelope_expired"),
  "x-envelope-created-at": z.string().optional().describe("Creation time, ms since the epoch (default: when the Worker received the request)"),
  prefer: z.string().optional().describe("respond-async: answer 202 once the message is durably stored"),
});
const errors = {
  400: problem("Invalid input (paths listed), reserved header or bad envelope header"),
  401: problem("Missing or invalid admin token"),
  404: problem("Unknown entity type or message"),
  409: problem("Refused by the handler (e.g. insufficient_funds)"),
  413: problem("Payload over 1 MiB"),
  429: problem("Mailbox full; Retry-After says when to retry"),
  504: problem("envelope_expired or handler timeout"),
};

export const AcceptedSchema = z.object({ accepted: z.literal(true), messageId: z.string(), shardId: z.number().int(), duplicate: z.boolean() }).describe("A notify durably stored");
export const EntityInfoSchema = z
  .object({ entityType: z.string(), key: z.string(), shardId: z.number().int(), numShards: z.number().int(), objectName: z.string(), objectId: z.string() })
  .describe("Where an entity lives");

const send = createRoute({
  method: "post",
  path: "/v1/entities/{type}/{key}/{message}",
  tags: ["entities"],
  summary: "Send a message to an entity and get its reply (or 202 with Prefer: respond-async)",
  security: [{ adminBearer: [] }],
  request: { params: Params, headers: envelopeHeaders, body: { required: false, content: { "application/json": { schema: z.unknown().describe("The message input") } } } },
  responses: {
    200: { description: "The handler's reply; X-Shard-Id names the shard, Idempotent-Replayed: true marks a stored reply", content: { "application/json": { schema: z.unknown() } } },
    202: { description: "Accepted: durably stored in the shard's inbox", content: { "application/json": { schema: AcceptedSchema } } },
    ...errors,
  },
});

const info = createRoute({
  method: "get",
  path: "/v1/entities/{type}/{key}/_info",
  tags: ["entities"],
  summary: "Where an entity lives: its shard and Durable Object (contacts no object)",
  security: [{ adminBearer: [] }],
  request: { params: Params.pick({ type: true, key: true }) },
  responses: { 200: { description: "Location", content: { "application/json": { schema: EntityInfoSchema } } }, 401: errors[401], 404: errors[404] },
});

/** Entity messages over HTTP (CLUS-01): `POST /v1/entities/{type}/{key}/{message}` and `_info`. */
export function registerEntityRoutes(app: OpenAPIHono<AppEnv>, cluster: ResolvedApp): void {
  app.openapi(info, (c) => {
    assertAppEntityType(c.req.param("type"));
    const { target, objectName, objectId, key } = cluster.router(c.env).locate(c.req.param("type"), pathKey(c));
    return c.json({ entityType: target.entityType, key, shardId: target.shardId, numShards: target.numShards, objectName, objectId }, 200);
  });

  app.openapi(send, async (c) => {
    const receivedAt = clock.now();
    const { type, message } = c.req.param();
    assertAppEntityType(type);
    const key = pathKey(c);
    const router = cluster.router(c.env);
    const location = router.locate(type, key);
    c.set("cluster", { ...c.get("cluster"), entityType: location.target.entityType, entityKey: location.key, shardId: location.target.shardId, objectName: location.objectName, objectId: location.objectId });
    c.header("X-Shard-Id", String(location.target.shardId));
    const input = await readInput(c);
    const options = sendOptions(c, receivedAt);
    if (prefersAsync(c)) {
      const accepted = await router.notify(type, key, message, input, options);
      c.header("Preference-Applied", "respond-async");
      if (accepted.duplicate) c.header("Idempotent-Replayed", "true");
      return c.json({ accepted: true as const, messageId: accepted.messageId, shardId: location.target.shardId, duplicate: accepted.duplicate }, 202);
    }
    const result = await router.request(type, key, message, input, options);
    if (result.duplicate) c.header("Idempotent-Replayed", "true");
    return c.json(result.reply, 200);
  });

  // One documented path per declared message, with its input and reply schemas.
  for (const entity of cluster.entities.list().filter((e) => !PLATFORM_ENTITIES.includes(e))) {
    for (const [name, spec] of Object.entries(entity.messages)) {
      app.openAPIRegistry.registerPath({
        method: "post",
        path: `/v1/entities/${entity.type}/{key}/${name}`,
        tags: [`entity: ${entity.type}`],
        summary: `${entity.type}.${name} (${entity.shards} shards)`,
        security: [{ adminBearer: [] }],
        request: { params: Params.pick({ key: true }), headers: envelopeHeaders, body: { content: { "application/json": { schema: spec.input } } } },
        responses: { 200: { description: "Reply", content: { "application/json": { schema: spec.output } } }, 202: { description: "Accepted (Prefer: respond-async)", content: { "application/json": { schema: AcceptedSchema } } }, ...errors },
      });
    }
  }
}

import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { gatewayName, gatewayOf, realtime } from "../../realtime/realtime.ts";
import { mintUserToken } from "../../realtime/tokens.ts";
import { DeliveredSchema, DisconnectSchema, GatewayListSchema, MintedTokenSchema, MintTokenSchema, ProblemSchema, PushBodySchema, runtimeConfig, TopicSchema, UserConnectionsSchema, UserIdSchema, validationError } from "../../spec/index.ts";
import { Directory } from "../../singleton/directory.ts";
import type { AppEnv } from "../env.ts";
import { readInput } from "./entity-input.ts";

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });
const base = { tags: ["realtime"], security: [{ adminBearer: [] }] };
const errors = { 400: problem("Invalid body (paths listed)"), 401: problem("Missing or invalid admin token"), 413: problem("Body over the limit") };
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });

const routes = {
  gateways: createRoute({ ...base, method: "get", path: "/v1/realtime/gateways", summary: "The socket gateways that exist, with their sockets, SSE streams and topics (creates none)", responses: { 200: json(GatewayListSchema, "Gateways in shard order"), 401: errors[401] } }),
  connections: createRoute({ ...base, method: "get", path: "/v1/users/{user}/connections", summary: "A user's sockets and SSE streams on its gateway (404 when that gateway was never made; creates none)", request: { params: z.object({ user: UserIdSchema }) }, responses: { 200: json(UserConnectionsSchema, "The user's connections, oldest first"), 400: problem("Invalid user id"), 401: errors[401], 404: problem("The user's gateway does not exist: nobody on it ever connected") } }),
  mint: createRoute({ ...base, method: "post", path: "/v1/auth/tokens", summary: "Mint a user token (development and tests)", request: { body: { content: { "application/json": { schema: MintTokenSchema } } } }, responses: { 201: json(MintedTokenSchema, "A token"), ...errors } }),
  toUser: createRoute({ ...base, method: "post", path: "/v1/users/{user}/messages", summary: "Send to every socket of a user (one gateway call)", request: { params: z.object({ user: UserIdSchema }), body: { content: { "application/json": { schema: PushBodySchema } } } }, responses: { 200: json(DeliveredSchema, "Sockets reached"), ...errors } }),
  disconnect: createRoute({ ...base, method: "post", path: "/v1/users/{user}/disconnect", summary: "Close every socket of a user (1012 by default: clients reconnect)", request: { params: z.object({ user: UserIdSchema }), body: { content: { "application/json": { schema: DisconnectSchema } } } }, responses: { 200: json(z.object({ closed: z.number().int() }), "Sockets closed"), ...errors } }),
  toTopic: createRoute({ ...base, method: "post", path: "/v1/topics/{topic}/messages", summary: "Publish to a topic (exactly G gateway calls)", request: { params: z.object({ topic: TopicSchema }), body: { content: { "application/json": { schema: PushBodySchema } } } }, responses: { 200: json(DeliveredSchema, "Sockets reached, gateways called"), ...errors } }),
};

/** Send-to-user, topic publishing, token minting and the gateways' load over HTTP; all admin. */
export function registerRealtimeRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.gateways, async (c) => {
    const names = await new Directory(c.env.SINGLETONS).under("gateway", "gateway/");
    const shards = names.map((name) => Number(name.slice("gateway/".length))).filter(Number.isInteger).sort((a, b) => a - b);
    const gateways = await Promise.all(shards.map(async (shard) => ({ name: gatewayName(shard), shard, ...(await c.env.GATEWAYS.get(c.env.GATEWAYS.idFromName(gatewayName(shard))).stats()) })));
    return c.json({ gateways }, 200);
  });
  app.openapi(routes.connections, async (c) => {
    const user = UserIdSchema.safeParse(c.req.param("user"));
    if (!user.success) throw validationError(user.error, "path", ["user"]);
    const name = gatewayName(gatewayOf(user.data, runtimeConfig(c.env).GATEWAY_SHARDS));
    await new Directory(c.env.SINGLETONS).require("gateway", name, `${user.data} never connected: its gateway ${name} does not exist`);
    return c.json({ user: user.data, gateway: name, ...(await c.env.GATEWAYS.get(c.env.GATEWAYS.idFromName(name)).connections(user.data)) }, 200);
  });
  app.openapi(routes.mint, async (c) => {
    const body = MintTokenSchema.safeParse(await readInput(c));
    if (!body.success) throw validationError(body.error, "body");
    return c.json(await mintUserToken(runtimeConfig(c.env), body.data.sub, body.data.ttlSeconds, body.data.tenant), 201);
  });
  app.openapi(routes.toUser, async (c) => {
    const user = UserIdSchema.safeParse(c.req.param("user"));
    if (!user.success) throw validationError(user.error, "path", ["user"]);
    const body = PushBodySchema.safeParse(await readInput(c));
    if (!body.success) throw validationError(body.error, "body");
    return c.json(await realtime(c.env).sendToUser(user.data, body.data.data, undefined, { tenant: body.data.tenant }), 200);
  });
  app.openapi(routes.disconnect, async (c) => {
    const user = UserIdSchema.safeParse(c.req.param("user"));
    if (!user.success) throw validationError(user.error, "path", ["user"]);
    const body = DisconnectSchema.safeParse(await readInput(c));
    if (!body.success) throw validationError(body.error, "body");
    return c.json(await realtime(c.env).disconnect(user.data, body.data.code, body.data.reason), 200);
  });
  app.openapi(routes.toTopic, async (c) => {
    const topic = TopicSchema.safeParse(c.req.param("topic"));
    if (!topic.success) throw validationError(topic.error, "path", ["topic"]);
    const body = PushBodySchema.safeParse(await readInput(c));
    if (!body.success) throw validationError(body.error, "body");
    return c.json(await realtime(c.env).publish(topic.data, body.data.data, { tenant: body.data.tenant }), 200);
  });
}

import type { OpenAPIHono } from "@hono/zod-openapi";
import { IDENTITY_HEADERS } from "../../realtime/identity-headers.ts";
import { gatewayName, gatewayOf } from "../../realtime/realtime.ts";
import { z } from "zod";
import { AppError, ProblemSchema, runtimeConfig, UserIdSchema } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";
import { forwardedHeaders, userClaims } from "../middleware/user-token.ts";
import { topicList } from "./sse.ts";

/**
 * `GET /ws/:user`: authenticates before the upgrade (a user token whose `sub` is `:user`, from
 * `Authorization: Bearer` or `?token=`; an `Origin` outside `ALLOWED_ORIGINS` is 403), then hands
 * the upgrade to the user's gateway `gateway/<shardOf(user, G)>` with the verified identity. On a
 * reconnect the client adds `?lastSeq=<seq>&topics=a,b` (see `GatewayHost.accept`).
 */
export function registerSocketRoute(app: OpenAPIHono<AppEnv>): void {
  const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/ws/{user}",
    tags: ["realtime"],
    summary: "Open a WebSocket (JSON-RPC 2.0 frames; subprotocol msgpack for MessagePack)",
    security: [{ userToken: [] }],
    request: { params: z.object({ user: UserIdSchema }), query: z.object({ token: z.string().optional().describe("The user token, when no Authorization header can be sent"), lastSeq: z.string().optional().describe("Resume: the last seq seen (or `latest`); the missed messages, or a reset, come first"), topics: z.string().optional().describe("Resume: comma-separated topics to subscribe before the replay") }) },
    responses: { 101: { description: "Switching protocols" }, 400: problem("Bad resume topic list (at most 100, each a valid topic)"), 401: problem("Missing, expired or mismatched user token"), 403: problem("Origin not allowed"), 426: problem("Not a WebSocket upgrade") },
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "userToken", { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "A user token (HS256, AUTH_SECRET), or ?token=" });
  app.get("/ws/:user", async (c) => {
    const config = runtimeConfig(c.env);
    const claims = await userClaims(c);
    const user = UserIdSchema.safeParse(c.req.param("user"));
    if (!user.success || claims.sub !== user.data) throw new AppError("unauthorized", user.success ? "the token is for another user" : "no such user");
    if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw new AppError("upgrade_required", "this route takes a WebSocket upgrade", { headers: { Upgrade: "websocket" } });
    topicList(c.req.query("topics")); // at most 100 resume topics, each a valid name: 400 before the upgrade
    const headers = forwardedHeaders(c);
    headers.set(IDENTITY_HEADERS.user, claims.sub);
    if (claims.tenant) headers.set(IDENTITY_HEADERS.tenant, claims.tenant);
    const gateway = c.env.GATEWAYS.get(c.env.GATEWAYS.idFromName(gatewayName(gatewayOf(claims.sub, config.GATEWAY_SHARDS))));
    return gateway.fetch(new Request(c.req.raw.url, { headers }));
  });
}

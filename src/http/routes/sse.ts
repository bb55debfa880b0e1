import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import type { ResolvedApp } from "../../cluster/app.ts";
import type { RealtimePolicy } from "../../realtime/define-rpc.ts";
import { IDENTITY_HEADERS } from "../../realtime/identity-headers.ts";
import { SSE_HEADERS_IN, type SseFollow } from "../../realtime/gateway-sse.ts";
import { gatewayName, gatewayOf, topicKey, userKey } from "../../realtime/realtime.ts";
import { parseLastSeq } from "../../realtime/resume.ts";
import { AppError, ProblemSchema, REALTIME_LIMITS, runtimeConfig, TopicSchema, UserIdSchema, validationError, type UserClaims } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";
import { forwardedHeaders, userClaims } from "../middleware/user-token.ts";

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });
const query = z.object({
  token: z.string().optional().describe("The user token, when no Authorization header can be sent (EventSource)"),
  lastEventId: z.string().optional().describe("Resume after this id (like the Last-Event-ID header)"),
});
const responses = {
  200: { description: "text/event-stream: `id:` is the gateway seq, `event:` message | <event type> | reset | overflow", content: { "text/event-stream": { schema: z.string() } } },
  400: problem("Bad topic list"),
  401: problem("Missing, expired or mismatched user token"),
  403: problem("Topic not allowed by the policy, or Origin not allowed"),
};

/** The topics of `?topics=a,b` (at most 100, each checked), or 400 with the failing index. */
export function topicList(raw: string | undefined): string[] {
  const topics = raw === undefined || raw === "" ? [] : [...new Set(raw.split(","))];
  if (topics.length > REALTIME_LIMITS.topicsPerSocket) throw new AppError("validation_failed", `at most ${REALTIME_LIMITS.topicsPerSocket} topics`, { extra: { errors: [{ path: "topics", message: "too many" }] } });
  topics.forEach((t, i) => {
    const parsed = TopicSchema.safeParse(t);
    if (!parsed.success) throw validationError(parsed.error, "query", ["topics", String(i)]);
  });
  return topics;
}

/** Forwards the stream to the caller's gateway with the verified identity, what to follow and where to resume. */
async function forward(c: Context<AppEnv>, claims: UserClaims, follow: SseFollow): Promise<Response> {
  const config = runtimeConfig(c.env);
  const headers = forwardedHeaders(c);
  headers.set(IDENTITY_HEADERS.user, claims.sub);
  if (claims.tenant) headers.set(IDENTITY_HEADERS.tenant, claims.tenant);
  headers.set(SSE_HEADERS_IN.streams, JSON.stringify(follow));
  const last = parseLastSeq(c.req.header("Last-Event-ID") ?? c.req.query("lastEventId"));
  if (last !== undefined) headers.set(SSE_HEADERS_IN.lastSeq, String(last));
  const gateway = c.env.GATEWAYS.get(c.env.GATEWAYS.idFromName(gatewayName(gatewayOf(claims.sub, config.GATEWAY_SHARDS))));
  // The request's signal: when the client goes, the gateway's stream is cancelled (enable_request_signal).
  return gateway.fetch(new Request(c.req.raw.url, { headers, signal: c.req.raw.signal }));
}

function allowed(policy: RealtimePolicy, claims: UserClaims, topics: readonly string[]): string[] {
  const refused = topics.filter((t) => !policy.canSubscribe(claims.sub, t, claims.tenant));
  if (refused.length) throw new AppError("forbidden", `not allowed to follow ${refused.join(", ")}`);
  return topics.map((t) => topicKey(t, claims.tenant));
}

/**
 * `GET /v1/sse/users/{user}` (the user's messages, plus `?topics=a,b`) and `GET /v1/sse/topics/{topic}`
 * (STRM-01): server-sent events served by the caller's gateway `gateway/<shardOf(sub, G)>`, so a
 * topic publish (one call per gateway) reaches SSE and WebSocket followers alike. User token as
 * for `/ws/:user`; a user stream is only its own user's (`sub` = `{user}`).
 */
export function registerSseRoutes(app: OpenAPIHono<AppEnv>, cluster: ResolvedApp): void {
  const base = { method: "get" as const, tags: ["realtime"], security: [{ userToken: [] }], responses };
  app.openAPIRegistry.registerPath({ ...base, path: "/v1/sse/users/{user}", summary: "Follow a user's messages (and topics) over server-sent events", request: { params: z.object({ user: UserIdSchema }), query: query.extend({ topics: z.string().optional().describe("Comma-separated topics to follow too") }) } });
  app.openAPIRegistry.registerPath({ ...base, path: "/v1/sse/topics/{topic}", summary: "Follow a topic over server-sent events (served by the caller's gateway)", request: { params: z.object({ topic: TopicSchema }), query } });
  app.get("/v1/sse/users/:user", async (c) => {
    const claims = await userClaims(c);
    const user = UserIdSchema.safeParse(c.req.param("user"));
    if (!user.success || claims.sub !== user.data) throw new AppError("unauthorized", "the token is for another user");
    return forward(c, claims, { user: userKey(claims.sub, claims.tenant), topics: allowed(cluster.rpc.policy, claims, topicList(c.req.query("topics"))) });
  });
  app.get("/v1/sse/topics/:topic", async (c) => {
    const claims = await userClaims(c);
    const topic = TopicSchema.safeParse(c.req.param("topic"));
    if (!topic.success) throw validationError(topic.error, "path", ["topic"]);
    return forward(c, claims, { topics: allowed(cluster.rpc.policy, claims, [topic.data]) });
  });
}

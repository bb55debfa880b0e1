import { z } from "zod";
import { TenantIdSchema, UserIdSchema } from "./ids.ts";

/**
 * The realtime protocol (WS-01..WS-03): topic names, the built-in methods' params and results,
 * user tokens, the HTTP bodies of send-to-user and topic publishing, and the limits.
 */

/** A topic: 1–128 of `A-Z a-z 0-9 . _ : - /`. Tenants' topics are stored as `<tenant>:<topic>`. */
export const TopicSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:/-]+$/, "letters, digits and . _ : / -").describe("Topic name");
export type Topic = z.infer<typeof TopicSchema>;

/** Params of the built-in methods, keyed by method name. */
export const BuiltinParams = {
  subscribe: z.object({ topics: z.array(TopicSchema).min(1).max(100).describe("Topics to follow") }).strict(),
  unsubscribe: z.object({ topics: z.array(TopicSchema).min(1).max(100).describe("Topics to leave") }).strict(),
  publish: z.object({ topic: TopicSchema, data: z.unknown().describe("The message") }).strict(),
  send: z.object({ to: UserIdSchema, data: z.unknown().describe("The message") }).strict(),
  presence: z.object({ topic: TopicSchema }).strict(),
  ping: z.object({}).strict(),
} as const;
export type BuiltinMethod = keyof typeof BuiltinParams;

/** Result of `subscribe` / `unsubscribe`: the socket's topics afterwards. */
export const TopicsResultSchema = z.object({ topics: z.array(z.string()).describe("The socket's topics") }).describe("Subscriptions");
/** Result of `publish`, `send` and the HTTP send routes: sockets reached. */
export const DeliveredSchema = z
  .object({
    delivered: z.number().int().nonnegative().describe("Sockets and SSE streams the message reached"),
    seq: z.number().int().optional().describe("The gateway sequence number (single-gateway deliveries)"),
    gateways: z.number().int().optional().describe("Gateways called (topic publishes: always G)"),
    failedGateways: z.array(z.number().int()).optional().describe("Gateways that failed; the others still delivered"),
    duplicate: z.boolean().optional().describe("True when this gateway had already delivered the event (a redelivery): nothing was sent"),
  })
  .describe("Delivery count");
export type Delivered = z.infer<typeof DeliveredSchema>;
/** Result of `presence`: users with at least one socket subscribed to the topic. */
export const PresenceResultSchema = z.object({ topic: z.string(), users: z.array(z.string()).describe("Online users, sorted") }).describe("Presence");
/** Result of `ping`. */
export const PongSchema = z.object({ pong: z.literal(true), now: z.number().int().describe("Server time, ms since the epoch") }).describe("Pong");

/** Claims of a user token (JWT, HS256, secret `AUTH_SECRET`). */
export const UserClaimsSchema = z
  .object({
    sub: UserIdSchema,
    exp: z.number().int().describe("Expiry, seconds since the epoch"),
    tenant: TenantIdSchema.optional().describe("Tenant of the user; prefixes its topics"),
  })
  .describe("User token claims");
export type UserClaims = z.infer<typeof UserClaimsSchema>;

/** Body of `POST /v1/auth/tokens`. */
export const MintTokenSchema = z
  .object({
    sub: UserIdSchema,
    ttlSeconds: z.number().int().min(1).max(2_592_000).default(3600).describe("Lifetime, 1 s .. 30 days (default 1 h)"),
    tenant: TenantIdSchema.optional(),
  })
  .strict()
  .describe("Mint a user token");
export const MintedTokenSchema = z.object({ token: z.string().describe("The JWT"), expiresAt: z.string().describe("ISO-8601 expiry") }).describe("A user token");

/** Body of `POST /v1/users/{user}/messages` and `POST /v1/topics/{topic}/messages`. */
export const PushBodySchema = z
  .object({
    data: z.unknown().refine((v) => v !== undefined, "required").describe("The message (any JSON)"),
    tenant: TenantIdSchema.optional().describe("The tenant whose topic, or whose user's sessions, this is (default: the sessions opened without a tenant)"),
  })
  .strict()
  .describe("A message to push");

/** Body of `POST /v1/users/{user}/disconnect`. */
export const DisconnectSchema = z
  .object({
    code: z.union([z.literal(1000), z.literal(1001), z.literal(1012), z.number().int().min(4000).max(4999)]).default(1012).describe("Close code: 1012 (default, clients reconnect), 1000, 1001, or 4000–4999"),
    reason: z.string().max(120).default("disconnected by the server").describe("Close reason (≤ 120 bytes)"),
  })
  .strict()
  .describe("Close a user's sockets");

/** The limits of a socket; every one has a test. */
export const REALTIME_LIMITS = {
  /** Largest frame read; a larger one gets -32001, and the third in a socket's life closes it with 1009. */
  maxFrameBytes: 65_536,
  oversizeFramesBeforeClose: 3,
  /** Frames per second per socket: beyond, -32000 error frames; beyond twice that in one second, close 1008. */
  framesPerSecond: 100,
  /** Sockets per user: a new one closes the oldest with 4001. */
  socketsPerUser: 10,
  /** SSE streams per user on its gateway: a new one closes the oldest with `event: replaced`. */
  sseStreamsPerUser: 10,
  /** Topics per socket: beyond, -32003. */
  topicsPerSocket: 100,
  /** Request ids remembered per user, so a call retried after a reconnect is answered, not run again. */
  rememberedCallIds: 1_000,
  rememberedCallMs: 10 * 60_000,
} as const;

/** Close codes the gateway uses. */
export const CLOSE_CODES = { tooBig: 1009, policy: 1008, restart: 1012, replaced: 4001 } as const;

/** One socket gateway as `GET /v1/realtime/gateways` shows it. */
export const GatewayStatsSchema = z
  .object({
    sockets: z.number().int().describe("WebSockets held (hibernating ones included)"),
    sseStreams: z.number().int().describe("SSE streams held"),
    topics: z.number().int().describe("Topics its sockets follow"),
    subscribedUsers: z.number().int().describe("Users whose sockets follow a topic"),
    topicCalls: z.number().int().describe("Topic deliveries asked of it since it last woke"),
    sseOverflows: z.number().int().describe("SSE streams closed for a full buffer since it last woke"),
    seq: z.number().int().describe("The last delivery sequence number it gave"),
  })
  .describe("A socket gateway's load");
export type GatewayStats = z.infer<typeof GatewayStatsSchema>;

export const GatewayListSchema = z
  .object({ gateways: z.array(GatewayStatsSchema.extend({ name: z.string().describe("gateway/<n>"), shard: z.number().int() })) })
  .describe("The socket gateways that exist, in shard order");

const ConnectedAt = z.number().int().describe("When it connected, ms since the epoch");
const ConnTenant = z.string().nullable().describe("Tenant of the token it connected with, or null");
const ConnTopics = z.array(z.string()).describe("Topics it follows (as the client named them), sorted");

/** A user's sockets and SSE streams as `GET /v1/users/{user}/connections` shows them (at most 10 of each: no pages). */
export const UserConnectionsSchema = z
  .object({
    user: UserIdSchema,
    gateway: z.string().describe("The user's gateway, gateway/<n>"),
    sockets: z
      .array(z.object({ connId: z.string().describe("Connection id"), tenant: ConnTenant, protocol: z.enum(["json", "msgpack"]).describe("Frame encoding"), connectedAt: ConnectedAt, topics: ConnTopics }).describe("A WebSocket"))
      .describe("WebSockets, oldest first"),
    sseStreams: z
      .array(z.object({ tenant: ConnTenant, connectedAt: ConnectedAt, userMessages: z.boolean().describe("Follows the user's own messages"), topics: ConnTopics }).describe("An SSE stream"))
      .describe("SSE streams, oldest first"),
  })
  .describe("A user's connections");
export type UserConnections = z.infer<typeof UserConnectionsSchema>;

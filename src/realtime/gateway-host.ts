import type { Router } from "../shards/index.ts";
import { CLOSE_CODES, depthOf, HEARTBEAT, MAX_JSON_DEPTH, REALTIME_LIMITS, rpcError, TopicSchema, type Delivered, type RpcRequest, type RpcResponse, type TenantId, type UserId } from "../spec/index.ts";
import { CallMemory } from "./call-memory.ts";
import { decodeFrame, encodeFrame, type FrameProtocol } from "./codec.ts";
import type { RpcContext, RpcRegistry } from "./define-rpc.ts";
import { dispatch, EFFECTFUL_BUILTINS, type CallScope } from "./dispatch.ts";
import { GatewayDelivery } from "./gateway-delivery.ts";
import { openSseStream } from "./gateway-sse.ts";
import { IDENTITY_HEADERS } from "./identity-headers.ts";
import { processPayload } from "./jsonrpc.ts";
import { topicStream, userStream } from "./message-log.ts";
import { realtime, topicKey, topicName, userKey, type Outgoing } from "./realtime.ts";
import { parseLastSeq } from "./resume.ts";
import { failureResponse } from "./rpc-failure.ts";
import { SocketGuard } from "./socket-guard.ts";
import { identityOf, TopicIndex, type SocketIdentity } from "./topic-index.ts";
import { userConnections, type GatewayConnections } from "./user-connections.ts";
import type { ClusterEnv } from "../env.ts";
import { clock } from "../clock.ts";

/** Tags of a socket: its delivery address (`userKey`), its user across tenants, its connection. */
const userTag = (key: string) => `u:${key}`;
const anyTenantTag = (user: string) => `a:${user}`;

/** What the application gives its gateways: its methods and policy, its entities, its events. */
export interface GatewaySurface {
  readonly rpc: RpcRegistry;
  readonly router: Router;
  readonly emit: RpcContext["emit"];
}

/**
 * One gateway shard's sockets (WS-01..WS-03). Sockets are accepted with the hibernation API and
 * tagged with their user, so a send to a user is a tag lookup; topics are an index rebuilt after
 * every wake-up. Delivery (seq, resume log, event dedup, SSE streams) is `GatewayDelivery`.
 */
export class GatewayHost {
  readonly #topics: TopicIndex;
  readonly #calls: CallMemory;
  readonly #guard = new SocketGuard();
  readonly delivery: GatewayDelivery;
  /** Topic deliveries asked of this gateway since it woke (tests count the fan-out with it). */
  topicCalls = 0;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: ClusterEnv,
    private readonly surface: GatewaySurface,
  ) {
    this.delivery = new GatewayDelivery(ctx, env);
    this.#topics = new TopicIndex(ctx, (key) => this.delivery.served.touch(key, this.delivery.seq, clock.now()));
    this.#calls = new CallMemory(ctx.storage.sql);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(HEARTBEAT.request, HEARTBEAT.response));
  }

  /**
   * Accepts an upgrade whose identity the Worker verified; a user over 10 sockets loses the oldest
   * (4001). With `?lastSeq=` (a seq, or `latest`) and `?topics=a,b`, the socket is subscribed and
   * gets the missed messages (or a `reset`) and a `resumed` notification before any live message.
   */
  accept(request: Request, protocol: FrameProtocol, echo: string | undefined): Response {
    const user = request.headers.get(IDENTITY_HEADERS.user);
    if (!user) return new Response("identity missing", { status: 400 });
    const tenant = request.headers.get(IDENTITY_HEADERS.tenant) ?? undefined;
    const { 0: client, 1: server } = new WebSocketPair();
    const who: SocketIdentity = { user, ...(tenant ? { tenant } : {}), connId: crypto.randomUUID(), protocol, connectedAt: clock.now() };
    this.ctx.acceptWebSocket(server, [userTag(userKey(user, tenant)), anyTenantTag(user), `c:${who.connId}`]);
    server.serializeAttachment(who);
    const sockets = this.ctx.getWebSockets(anyTenantTag(user));
    const excess = sockets.length - REALTIME_LIMITS.socketsPerUser;
    if (excess > 0) {
      const oldest = sockets.map((ws) => ({ ws, at: identityOf(ws).connectedAt })).sort((a, b) => a.at - b.at).slice(0, excess);
      for (const { ws } of oldest) this.#close(ws, CLOSE_CODES.replaced, `more than ${REALTIME_LIMITS.socketsPerUser} sockets for this user`);
    }
    this.#resume(server, who, new URL(request.url).searchParams);
    return new Response(null, { status: 101, webSocket: client, ...(echo ? { headers: { "Sec-WebSocket-Protocol": echo } } : {}) });
  }

  async onMessage(ws: WebSocket, frame: string | ArrayBuffer): Promise<void> {
    const who = identityOf(ws);
    const verdict = this.#guard.check(ws, frame);
    if (verdict.action === "close") return this.#close(ws, verdict.code, verdict.reason);
    if (verdict.action === "reject") return this.#send(ws, who.protocol, rpcError(null, verdict.error, verdict.message, verdict.data));
    const decoded = decodeFrame(frame, who.protocol);
    if (!decoded.ok) return this.#send(ws, who.protocol, rpcError(null, "parse_error", "Parse error", { reason: decoded.reason }));
    if (depthOf(decoded.value) > MAX_JSON_DEPTH) return this.#send(ws, who.protocol, rpcError(null, "invalid_request", "Invalid Request", { reason: `the frame nests arrays and objects more than ${MAX_JSON_DEPTH} deep` }));
    const response = await processPayload(decoded.value, (req) => this.#invoke(ws, who, req));
    if (response !== null) this.#send(ws, who.protocol, response);
  }

  /** An SSE stream (`GET /v1/sse/...`, forwarded by the Worker with the verified identity). */
  openSse(request: Request): Response {
    return openSseStream(this.delivery, request);
  }

  /** Subscribes the topics of the URL the policy allows, then replays from `lastSeq` (synchronously: nothing live comes between). */
  #resume(ws: WebSocket, who: SocketIdentity, query: URLSearchParams): void {
    const last = query.get("lastSeq");
    if (last === null) return;
    const user = who.user as UserId;
    const tenant = who.tenant as TenantId | undefined;
    const names = (query.get("topics") ?? "").split(",").filter((t) => TopicSchema.safeParse(t).success && this.surface.rpc.policy.canSubscribe(user, t, tenant));
    const keys = [...new Set(names.map((t) => topicKey(t, tenant)))].slice(0, REALTIME_LIMITS.topicsPerSocket);
    const resumption = this.delivery.resume(last === "latest" ? undefined : parseLastSeq(last), [{ stream: userStream(userKey(who.user, who.tenant)) }, ...keys.map((k) => GatewayDelivery.topicOf(k))]);
    this.#topics.add(ws, who, keys);
    this.delivery.replayTo(ws, resumption);
  }

  onClose(ws: WebSocket): void {
    this.#topics.drop(ws, identityOf(ws).connId);
  }

  async #invoke(ws: WebSocket, who: SocketIdentity, request: RpcRequest): Promise<RpcResponse | null> {
    const run = async (): Promise<RpcResponse> => {
      try {
        return { jsonrpc: "2.0", id: request.id ?? null, result: (await dispatch(request, this.#scope(ws, who))) ?? null } as RpcResponse;
      } catch (err) {
        return failureResponse(request.id ?? null, err);
      }
    };
    if (request.id === undefined) {
      await run();
      return null;
    }
    const remembered = typeof request.id === "string" && (EFFECTFUL_BUILTINS.has(request.method) || this.surface.rpc.method(request.method) !== undefined);
    return remembered ? this.#calls.once(who.user, request.id as string, run) : run();
  }

  #scope(ws: WebSocket, who: SocketIdentity): CallScope {
    const { rpc, router, emit } = this.surface;
    return { ws, who, topics: this.#topics, realtime: realtime(this.env), registry: rpc, env: this.env, router, emit };
  }

  /** Every socket and SSE stream of a user (of `tenant`, see `userKey`) on this gateway gets the message once; it is logged for resume. */
  deliverToUser(user: string, message: Outgoing, tenant?: string): Delivered {
    const key = userKey(user, tenant);
    return this.delivery.deliver(userStream(key), this.ctx.getWebSockets(userTag(key)), message);
  }

  /** Every socket and SSE stream of this gateway following the topic key gets the message once. */
  deliverToTopic(key: string, message: Outgoing): Delivered {
    this.topicCalls += 1;
    return this.delivery.deliver(topicStream(key), [...this.#topics.socketsOf(key)], message, { key, name: topicName(key) });
  }

  disconnectUser(user: string, code: number, reason: string): { closed: number } {
    const sockets = this.ctx.getWebSockets(anyTenantTag(user));
    for (const ws of sockets) this.#close(ws, code, reason);
    return { closed: sockets.length };
  }

  /** A user's sockets (of every tenant) and SSE streams on this gateway, for operators. */
  connectionsOf(user: string): GatewayConnections {
    return userConnections(this.ctx.getWebSockets(anyTenantTag(user)), (connId) => this.#topics.topicsOf(connId), this.delivery.sse.of(user));
  }

  presenceOf(key: string): string[] {
    return [...new Set([...this.#topics.socketsOf(key)].map((ws) => identityOf(ws).user))];
  }

  #send(ws: WebSocket, protocol: FrameProtocol, value: unknown): void {
    try {
      ws.send(encodeFrame(value, protocol));
    } catch {
      // the socket closed while the call ran
    }
  }

  #close(ws: WebSocket, code: number, reason: string): void {
    try {
      ws.close(code, reason);
    } catch {
      // already closed
    }
    this.onClose(ws);
  }
}

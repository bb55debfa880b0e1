import { DurableObject } from "cloudflare:workers";
import { announce } from "../singleton/directory.ts";
import type { GatewayStats } from "../spec/index.ts";
import { publishEvent } from "../events/publish.ts";
import { chooseProtocol } from "../realtime/codec.ts";
import { GatewayHost } from "../realtime/gateway-host.ts";
import { GATEWAY_MIGRATIONS } from "../realtime/gateway-schema.ts";
import type { GatewayConnections } from "../realtime/user-connections.ts";
import type { GatewayApi, Outgoing } from "../realtime/realtime.ts";
import type { Delivered } from "../spec/index.ts";
import { runMigrations } from "../storage/migrations.ts";
import type { Pong } from "./ping.ts";
import type { ClusterEnv } from "../env.ts";
import type { ResolvedApp } from "../cluster/app.ts";

/**
 * One socket gateway shard (`gateway/<n>`): hibernatable WebSockets of the users that hash to it,
 * and topic fan-out to them. A thin shell: the work is in `GatewayHost`.
 */
export class GatewayObject extends DurableObject<ClusterEnv> implements GatewayApi {
  readonly #host: GatewayHost;

  /** Constructed by the runtime through the class `createCluster` binds to the application. */
  constructor(ctx: DurableObjectState, env: ClusterEnv, app: ResolvedApp) {
    super(ctx, env);
    runMigrations(ctx.storage, GATEWAY_MIGRATIONS);
    void ctx.blockConcurrencyWhile(() => announce(ctx.storage, env.SINGLETONS, "gateway", ctx.id.name)); // so a stats read never creates one
    const router = app.router(env);
    this.#host = new GatewayHost(ctx, env, {
      rpc: app.rpc,
      router,
      emit: (type, payload, options = {}) => publishEvent(router, app.events, { type, payload, scope: "cluster", ...(options.partitionKey ? { partitionKey: options.partitionKey } : {}) }, options.eventId),
    });
  }

  ping(): Pong {
    return { ok: true, object: "GatewayObject" };
  }

  /** The WebSocket upgrade or an SSE stream, forwarded by the Worker once it verified the user token. */
  override fetch(request: Request): Response {
    if (new URL(request.url).pathname.startsWith("/v1/sse/")) return this.#host.openSse(request);
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const { protocol, echo } = chooseProtocol(request.headers.get("Sec-WebSocket-Protocol"));
    return this.#host.accept(request, protocol, echo);
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    return this.#host.onMessage(ws, message);
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    this.#host.onClose(ws);
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }

  override webSocketError(ws: WebSocket): void {
    this.#host.onClose(ws);
  }

  deliverToUser(user: string, message: Outgoing, tenant?: string): Promise<Delivered> {
    return Promise.resolve(this.#host.deliverToUser(user, message, tenant));
  }

  deliverToTopic(topicKey: string, message: Outgoing): Promise<Delivered> {
    return Promise.resolve(this.#host.deliverToTopic(topicKey, message));
  }

  presenceOf(topicKey: string): Promise<string[]> {
    return Promise.resolve(this.#host.presenceOf(topicKey));
  }

  disconnectUser(user: string, code: number, reason: string): Promise<{ closed: number }> {
    return Promise.resolve(this.#host.disconnectUser(user, code, reason));
  }

  /** For operators (`GET /v1/users/{user}/connections`): the user's sockets and SSE streams here. */
  connections(user: string): GatewayConnections {
    return this.#host.connectionsOf(user);
  }

  /** For operators (`GET /v1/realtime/gateways`) and tests: sockets and SSE streams held, topics followed and by how many users, topic deliveries asked and SSE overflows since the object woke, the last seq. */
  stats(): GatewayStats {
    const { sse, seq } = this.#host.delivery;
    const subscribed = this.ctx.storage.sql.exec<{ topics: number; users: number }>("SELECT COUNT(DISTINCT topic) AS topics, COUNT(DISTINCT user_id) AS users FROM subscriptions").one();
    return { sockets: this.ctx.getWebSockets().length, sseStreams: sse.size, topics: subscribed.topics, subscribedUsers: subscribed.users, topicCalls: this.#host.topicCalls, sseOverflows: sse.overflows, seq };
  }
}

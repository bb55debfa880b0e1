import type { ZodError } from "zod";
import type { Router } from "../shards/index.ts";
import { BuiltinParams, REALTIME_LIMITS, type BuiltinMethod, type RpcRequest, type TenantId, type UserId } from "../spec/index.ts";
import type { RpcContext, RpcRegistry } from "./define-rpc.ts";
import { topicKey, topicName, type Realtime } from "./realtime.ts";
import { RpcFailure } from "./rpc-failure.ts";
import type { SocketIdentity, TopicIndex } from "./topic-index.ts";
import type { ClusterEnv } from "../env.ts";
import { clock } from "../clock.ts";

/** Everything a call may touch. */
export interface CallScope {
  readonly ws: WebSocket;
  readonly who: SocketIdentity;
  readonly topics: TopicIndex;
  readonly realtime: Realtime;
  readonly registry: RpcRegistry;
  readonly env: ClusterEnv;
  readonly router: Router;
  readonly emit: RpcContext["emit"];
}

/** Built-ins whose effect must not repeat: their replies are remembered per user (see CallMemory). */
export const EFFECTFUL_BUILTINS: ReadonlySet<string> = new Set(["publish", "send"]);
export const BUILTINS = Object.keys(BuiltinParams) as BuiltinMethod[];

const isBuiltin = (m: string): m is BuiltinMethod => Object.hasOwn(BuiltinParams, m);

function parse<T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false; error: ZodError } }, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw RpcFailure.invalidParams(parsed.error);
  return parsed.data;
}

const names = (scope: CallScope) => scope.topics.topicsOf(scope.who.connId).map(topicName).sort();

async function builtin(method: BuiltinMethod, params: unknown, scope: CallScope): Promise<unknown> {
  const { who, registry } = scope;
  const user = who.user as UserId;
  const tenant = who.tenant as TenantId | undefined;
  switch (method) {
    case "subscribe": {
      const { topics } = parse(BuiltinParams.subscribe, params);
      const refused = topics.filter((t) => !registry.policy.canSubscribe(user, t, tenant));
      if (refused.length) throw new RpcFailure("forbidden", "Forbidden", { topics: refused });
      const keys = topics.map((t) => topicKey(t, tenant));
      const now = new Set(scope.topics.topicsOf(who.connId));
      const after = new Set([...now, ...keys]).size;
      if (after > REALTIME_LIMITS.topicsPerSocket) throw new RpcFailure("limit_exceeded", "Too many topics", { limit: REALTIME_LIMITS.topicsPerSocket, requested: after });
      scope.topics.add(scope.ws, who, keys);
      return { topics: names(scope) };
    }
    case "unsubscribe": {
      const { topics } = parse(BuiltinParams.unsubscribe, params);
      scope.topics.remove(scope.ws, who.connId, topics.map((t) => topicKey(t, tenant)));
      return { topics: names(scope) };
    }
    case "publish": {
      const { topic, data } = parse(BuiltinParams.publish, params);
      if (!registry.policy.canPublish(user, topic, tenant)) throw new RpcFailure("forbidden", "Forbidden", { topic });
      return scope.realtime.publish(topic, data, { tenant, from: user });
    }
    case "send": {
      const { to, data } = parse(BuiltinParams.send, params);
      if (!registry.policy.canSend(user, to, tenant)) throw new RpcFailure("forbidden", "Forbidden", { to });
      return scope.realtime.sendToUser(to, data, user, { tenant }); // a tenant's user reaches only that tenant's sessions
    }
    case "presence": {
      const { topic } = parse(BuiltinParams.presence, params);
      if (!registry.policy.canSubscribe(user, topic, tenant)) throw new RpcFailure("forbidden", "Forbidden", { topic });
      return { topic, users: await scope.realtime.presence(topic, tenant) };
    }
    case "ping":
      parse(BuiltinParams.ping, params);
      return { pong: true, now: clock.now() };
  }
}

/**
 * Runs one call: a built-in, or an application method of the registry (params checked against its
 * schema: -32602 with paths; `authorize` false: -32002; result checked against its schema).
 */
export async function dispatch(request: RpcRequest, scope: CallScope): Promise<unknown> {
  if (isBuiltin(request.method)) return builtin(request.method, request.params ?? {}, scope);
  const method = scope.registry.method(request.method);
  if (!method) throw new RpcFailure("method_not_found", "Method not found", { method: request.method });
  const params = parse(method.params, request.params);
  const ctx: RpcContext = {
    user: scope.who.user as UserId,
    tenant: scope.who.tenant as TenantId | undefined,
    connectionId: scope.who.connId,
    callId: request.id,
    env: scope.env,
    router: scope.router,
    realtime: scope.realtime,
    emit: scope.emit,
  };
  if (method.authorize && !(await method.authorize(ctx, params))) throw new RpcFailure("forbidden", "Forbidden", { method: request.method });
  const result = method.result.safeParse(await method.handler(ctx, params));
  if (!result.success) {
    console.error(`rpc method ${request.method} returned an invalid result`, result.error.issues);
    throw new RpcFailure("internal_error", "Internal error");
  }
  return result.data;
}

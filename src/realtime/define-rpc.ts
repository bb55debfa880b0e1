import type { z } from "zod";
import type { Router } from "../shards/index.ts";
import type { TenantId, UserId } from "../spec/index.ts";
import type { Realtime } from "./realtime.ts";
import type { ClusterEnv } from "../env.ts";

/** What an application method's handler sees: the caller, and the cluster to act on. */
export interface RpcContext {
  readonly user: UserId;
  readonly tenant: TenantId | undefined;
  readonly connectionId: string;
  /** The JSON-RPC id of the call (undefined for a notification): a natural idempotency key. */
  readonly callId: string | number | undefined;
  readonly env: ClusterEnv;
  /** Entity messages: `ctx.router.to(Counter).request(key, "increment", { by })`. */
  readonly router: Router;
  /** Send to users and topics (`sendToUser`, `publish`). */
  readonly realtime: Realtime;
  /** Publishes a domain event (durable in an outbox when it resolves). */
  readonly emit: (type: string, payload: unknown, options?: { partitionKey?: string; eventId?: string }) => Promise<{ eventId: string; duplicate: boolean }>;
}

/** An application method: zod-checked params and result, an optional authorization, a handler. */
export interface RpcMethod<P = unknown, R = unknown> {
  readonly method: string;
  readonly params: z.ZodType<P>;
  readonly result: z.ZodType<R>;
  /** Return false to refuse with -32002 forbidden. Default: every authenticated user may call. */
  readonly authorize?: (ctx: RpcContext, params: P) => boolean | Promise<boolean>;
  readonly handler: (ctx: RpcContext, params: P) => R | Promise<R>;
}

/** An application method whatever its params and result types: what a list of methods holds. */
export interface AnyRpcMethod {
  readonly method: string;
  readonly params: z.ZodType;
  readonly result: z.ZodType;
  readonly authorize?: (ctx: RpcContext, params: never) => boolean | Promise<boolean>;
  readonly handler: (ctx: RpcContext, params: never) => unknown;
}

/**
 * Declares an application method callable over `/ws/:user`. Params failing the schema answer
 * -32602 with the zod paths; a result failing its schema is a -32603 (a server bug, not the caller's).
 *
 * @example defineRpc({ method: "counter.add", params: z.object({ key: z.string(), by: z.number().int() }), result: z.object({ value: z.number() }), handler: (ctx, p) => ... })
 */
export function defineRpc<P, R>(definition: RpcMethod<P, R>): RpcMethod<P, R> {
  if (definition.method.startsWith("rpc.")) throw new Error(`method names starting 'rpc.' are reserved by JSON-RPC (${definition.method})`);
  return definition;
}

/** Who may do what with the built-in methods. Topics are the names the client uses (no tenant prefix). */
export interface RealtimePolicy {
  /** Default: every topic. */
  readonly canSubscribe: (user: UserId, topic: string, tenant: TenantId | undefined) => boolean;
  /** Default: nobody (clients publish only where the application allows it). */
  readonly canPublish: (user: UserId, topic: string, tenant: TenantId | undefined) => boolean;
  /** Default: nobody. */
  readonly canSend: (user: UserId, to: UserId, tenant: TenantId | undefined) => boolean;
}

/** Deny publish and send from clients, allow subscribing. */
export const DEFAULT_POLICY: RealtimePolicy = { canSubscribe: () => true, canPublish: () => false, canSend: () => false };

/** The application's realtime surface: its methods and its policy. */
export interface RpcRegistry {
  readonly policy: RealtimePolicy;
  readonly method: (name: string) => RpcMethod | undefined;
  readonly names: readonly string[];
}

/** Collects application methods; two methods of one name, or one named like a built-in, refuse to start. */
export function createRpcRegistry(methods: readonly AnyRpcMethod[], policy: Partial<RealtimePolicy> = {}, reserved: readonly string[] = []): RpcRegistry {
  const byName = new Map<string, RpcMethod>();
  for (const m of methods) {
    if (byName.has(m.method) || reserved.includes(m.method)) throw new Error(`RPC method '${m.method}' is declared twice or shadows a built-in`);
    byName.set(m.method, m as unknown as RpcMethod);
  }
  return { policy: { ...DEFAULT_POLICY, ...policy }, method: (name) => byName.get(name), names: [...byName.keys()] };
}

import { shardOf } from "../shards/shard-hash.ts";
import { assertDepth, runtimeConfig, type Delivered, type TenantId } from "../spec/index.ts";
import type { ClusterEnv } from "../env.ts";

/** A message as the gateway pushes it (before its `seq`). */
export interface Outgoing {
  readonly data: unknown;
  readonly from?: string;
  /** The domain event type of a message bridged from an event subscription (the SSE `event:` name). */
  readonly event?: string;
  /** Dedup key (`<subscription>:<eventId>`): a gateway that saw it already delivers nothing. */
  readonly dedupId?: string;
}

/** Extras of a bridged message. */
export interface OutgoingExtras {
  readonly event?: string | undefined;
  readonly dedupId?: string | undefined;
}

/** Options of a message to a user: its extras, and the tenant whose user it is (its sockets only). */
export interface UserMessageOptions extends OutgoingExtras {
  readonly tenant?: TenantId | string | undefined;
}

const extras = (x: OutgoingExtras | undefined) => ({ ...(x?.event === undefined ? {} : { event: x.event }), ...(x?.dedupId === undefined ? {} : { dedupId: x.dedupId }) });

/** What a gateway object answers to the realtime facade (its RPC surface). */
export interface GatewayApi {
  deliverToUser(user: string, message: Outgoing, tenant?: string): Promise<Delivered>;
  deliverToTopic(topicKey: string, message: Outgoing): Promise<Delivered>;
  presenceOf(topicKey: string): Promise<string[]>;
  disconnectUser(user: string, code: number, reason: string): Promise<{ closed: number }>;
}

/** The name of gateway shard `n`. */
export const gatewayName = (shard: number): string => `gateway/${shard}`;

/** The gateway shard of a user: `shardOf(user, G)`, the routing hash of the entities. */
export const gatewayOf = (user: string, shards: number): number => shardOf(user, shards);

/**
 * The stored name of a topic. A tenant's topics are `t/<tenant>|<topic>`; `|` is not a legal topic
 * character, so no client can name another tenant's topic (channel-prefix isolation).
 */
export const topicKey = (topic: string, tenant: TenantId | string | undefined): string => (tenant ? `t/${tenant}|${topic}` : topic);

/**
 * Who receives a message to a user: the user's sockets and streams connected with that tenant's
 * token (`t/<tenant>|<user>`), or without a tenant (`<user>`). A user id names the same person in
 * every tenant, but a tenant only ever reaches its own sessions of them.
 */
export const userKey = (user: string, tenant: TenantId | string | undefined): string => (tenant ? `t/${tenant}|${user}` : user);

/** The topic as the client named it. */
export const topicName = (key: string): string => key.slice(key.indexOf("|") + 1);

/**
 * Send to users and topics from anywhere in the backend: entity handlers (after commit), tasks,
 * event subscriptions, routes. A user lives on one gateway, so `sendToUser` is one call; a topic's
 * subscribers may be on any gateway, so `publish` is exactly G calls (one per gateway, never one
 * per subscriber), concurrently; a failing gateway is reported and does not block the others.
 */
export class Realtime {
  readonly shards: number;
  constructor(
    private readonly namespace: DurableObjectNamespace,
    shards: number,
  ) {
    this.shards = shards;
  }

  gateway(shard: number): DurableObjectStub & GatewayApi {
    return this.namespace.get(this.namespace.idFromName(gatewayName(shard))) as unknown as DurableObjectStub & GatewayApi;
  }

  /**
   * Every socket and SSE stream of `user` (of `options.tenant`: only those opened with that tenant's
   * token; without: only those opened without a tenant), wherever it connected: `{ delivered, seq }`
   * (logged for resume even when offline).
   */
  async sendToUser(user: string, data: unknown, from?: string, options?: UserMessageOptions): Promise<Delivered> {
    assertDepth(data, "the message");
    const message = { data, ...(from === undefined ? {} : { from }), ...extras(options) };
    return this.gateway(gatewayOf(user, this.shards)).deliverToUser(user, message, options?.tenant || undefined);
  }

  /** Every socket and SSE stream following `topic` (of `tenant`, when given): `{ delivered, gateways, failedGateways? }`. */
  async publish(topic: string, data: unknown, options: { tenant?: TenantId | undefined; from?: string } & OutgoingExtras = {}): Promise<Delivered> {
    assertDepth(data, "the message"); // refused whole, before any gateway has it
    const key = topicKey(topic, options.tenant);
    const message = { data, ...(options.from === undefined ? {} : { from: options.from }), ...extras(options) };
    const results = await Promise.allSettled(Array.from({ length: this.shards }, (_, n) => this.gateway(n).deliverToTopic(key, message)));
    const failedGateways = results.flatMap((r, n) => (r.status === "rejected" ? [n] : []));
    const delivered = results.reduce((sum, r) => sum + (r.status === "fulfilled" ? r.value.delivered : 0), 0);
    return failedGateways.length ? { delivered, gateways: this.shards, failedGateways } : { delivered, gateways: this.shards };
  }

  /** Closes every socket of `user` (of every tenant) with `code` (1012 asks clients to reconnect, 4000–4999 are the app's). */
  disconnect(user: string, code: number, reason: string): Promise<{ closed: number }> {
    return this.gateway(gatewayOf(user, this.shards)).disconnectUser(user, code, reason);
  }

  /** Users with a socket subscribed to `topic`, over every gateway, sorted. */
  async presence(topic: string, tenant?: TenantId): Promise<string[]> {
    const key = topicKey(topic, tenant);
    const results = await Promise.allSettled(Array.from({ length: this.shards }, (_, n) => this.gateway(n).presenceOf(key)));
    return [...new Set(results.flatMap((r) => (r.status === "fulfilled" ? r.value : [])))].sort();
  }
}

const facades = new WeakMap<object, Realtime>();

/** The realtime facade of an environment: `realtime(env).sendToUser(user, data)`. */
export function realtime(env: ClusterEnv): Realtime {
  let facade = facades.get(env);
  if (!facade) {
    facade = new Realtime(env.GATEWAYS, runtimeConfig(env).GATEWAY_SHARDS);
    facades.set(env, facade);
  }
  return facade;
}

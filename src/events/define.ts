import type { z } from "zod";
import { AppError, EventTypeSchema, TenantIdSchema, type EventDeliverySemantics, type EventMessage, type TenantId } from "../spec/index.ts";
import type { EventValidator } from "../storage/outbox.ts";
import type { ClusterEnv } from "../env.ts";
import type { Realtime } from "../realtime/realtime.ts";
import type { Router } from "../shards/router.ts";

/** A declared event type with its payload schema. */
export interface EventDefinition<P extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly version: number;
  readonly payload: P;
}

/** What a function subscriber gets besides the event. */
export interface SubscriberContext {
  readonly env: ClusterEnv;
  /** The tenant of a tenant-scoped event. */
  readonly tenantId?: TenantId | undefined;
  readonly attempt: number;
  /** Entity messages. */
  readonly router: Router;
  /** Send to users and topics. */
  readonly realtime: Realtime;
}

/** Deliver to an entity message; the key is derived from the event (prefixed with the tenant for tenant events). */
export interface EntityTarget<P> {
  readonly entityType: string;
  readonly key: (event: P, message: EventMessage) => string;
  readonly message: string;
  /** The message input (default: the payload). */
  readonly input?: (event: P, message: EventMessage) => unknown;
}

/** Run a function in the consuming Worker. */
export interface FunctionTarget<P> {
  readonly run: (event: P, message: EventMessage, ctx: SubscriberContext) => Promise<void> | void;
}

/** Publish the event to a realtime topic (every gateway's sockets and SSE streams following it; the event's tenant, if any). */
export interface TopicTarget<P> {
  readonly topic: (event: P, message: EventMessage) => string;
}

/** Send the event to a user's sockets and SSE streams (its gateway). */
export interface UserTarget<P> {
  readonly user: (event: P, message: EventMessage) => string;
}

/** Where a subscription delivers (STRM-02 for the realtime kinds). */
export type SubscriptionTarget<P> = EntityTarget<P> | FunctionTarget<P> | TopicTarget<P> | UserTarget<P>;

export interface SubscriptionDefinition<P = unknown> {
  readonly event: string;
  readonly name: string;
  readonly deliver: EventDeliverySemantics;
  readonly to: SubscriptionTarget<P>;
  /** Only this tenant's events (tenant-scoped); absent: every tenant, with channel-prefixed keys. */
  readonly tenant?: TenantId | undefined;
  /** Only the events it accepts (default: all); function and realtime targets only. */
  readonly when?: ((event: P, message: EventMessage) => boolean) | undefined;
}

/**
 * Declares an event type. Emitting an unknown type or a payload its schema refuses fails at the
 * emitter, before anything is stored.
 *
 * @example const Ping = defineEvent({ type: "demo.ping", version: 1, payload: z.object({ n: z.number().int() }) })
 */
export function defineEvent<P extends z.ZodType>(config: { type: string; version?: number; payload: P }): EventDefinition<P> {
  return { type: EventTypeSchema.parse(config.type), version: config.version ?? 1, payload: config.payload };
}

/** What a subscription declares besides its event. */
export type SubscriptionConfig<P extends z.ZodType> = Omit<SubscriptionDefinition<z.output<P>>, "event" | "tenant"> & { tenant?: string };

/**
 * Declares a subscription, as `defineSubscription({ event, name, deliver, to })` or
 * `defineSubscription(event, { name, deliver, to })`. `exactly-once` needs an entity target: the
 * target records `(subscription, eventId)` in the same transaction as its effect. A function target
 * runs in the consuming Worker, `at-least-once` or `best-effort`. A realtime target (`{ topic }` or
 * `{ user }`) pushes the payload to followers; the gateways recognise a redelivered event by
 * `<subscription>:<eventId>`, so `at-least-once` shows it once (and `exactly-once` is accepted).
 *
 * @example defineSubscription({ event: Ping, name: "ping-log", deliver: "exactly-once", to: { entityType: "PingLog", key: (e) => String(e.n), message: "apply" } })
 */
export function defineSubscription<P extends z.ZodType>(config: SubscriptionConfig<P> & { event: EventDefinition<P> }): SubscriptionDefinition;
export function defineSubscription<P extends z.ZodType>(event: EventDefinition<P>, config: SubscriptionConfig<P>): SubscriptionDefinition;
export function defineSubscription<P extends z.ZodType>(first: EventDefinition<P> | (SubscriptionConfig<P> & { event: EventDefinition<P> }), second?: SubscriptionConfig<P>): SubscriptionDefinition {
  const { event, ...config } = second === undefined && "event" in first ? first : { ...(second as SubscriptionConfig<P>), event: first as EventDefinition<P> };
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(config.name)) throw new Error(`defineSubscription: name '${config.name}' must be a lower-case slug`);
  const targets = ["entityType", "run", "topic", "user"].filter((k) => k in config.to);
  if (targets.length !== 1) throw new Error(`defineSubscription(${config.name}): 'to' needs exactly one of entityType, run, topic, user`);
  if (config.when !== undefined && "entityType" in config.to) throw new Error(`defineSubscription(${config.name}): 'when' is for function and realtime targets (an entity's ordered stream would wait for the events it skips)`);
  if (config.deliver === "exactly-once" && "run" in config.to) throw new Error(`defineSubscription(${config.name}): exactly-once needs an entity target (its dedup is transactional with its effect)`);
  const tenant = config.tenant === undefined ? undefined : TenantIdSchema.parse(config.tenant);
  return { ...config, event: event.type, tenant } as SubscriptionDefinition;
}

/** The events and subscriptions of an application. */
export interface EventRegistry {
  find(type: string): EventDefinition | undefined;
  subscriptionsOf(type: string): readonly SubscriptionDefinition[];
  subscription(name: string): SubscriptionDefinition | undefined;
  list(): readonly EventDefinition[];
  /** The emit-time check handed to every object that writes an outbox. */
  readonly validate: EventValidator;
}

export function createEventRegistry(events: readonly EventDefinition[], subscriptions: readonly SubscriptionDefinition[]): EventRegistry {
  const byType = new Map(events.map((e) => [e.type, e]));
  if (byType.size !== events.length) throw new Error("createEventRegistry: an event type is declared twice");
  const byName = new Map(subscriptions.map((s) => [s.name, s]));
  if (byName.size !== subscriptions.length) throw new Error("createEventRegistry: a subscription name is declared twice");
  for (const s of subscriptions) if (!byType.has(s.event)) throw new Error(`createEventRegistry: subscription '${s.name}' is for unknown event '${s.event}'`);
  return {
    find: (type) => byType.get(type),
    subscriptionsOf: (type) => subscriptions.filter((s) => s.event === type),
    subscription: (name) => byName.get(name),
    list: () => events,
    validate(type, payload) {
      const event = byType.get(type);
      if (!event) throw new AppError("validation_failed", `unknown event type '${type}'`, { extra: { errors: [{ path: "type", message: "unknown event type" }] } });
      const parsed = event.payload.safeParse(payload);
      if (!parsed.success) {
        throw new AppError("validation_failed", `invalid payload for ${type}`, { extra: { errors: parsed.error.issues.map((i) => ({ path: ["payload", ...i.path].join("."), message: i.message })) } });
      }
      return { version: event.version, payload: parsed.data };
    },
  };
}

import { realtime } from "../realtime/realtime.ts";
import { crashIfAsked } from "../testing/hooks.ts";
import type { Router } from "../shards/index.ts";
import { TopicSchema, UserIdSchema, type EventMessage } from "../spec/index.ts";
import { eventChannel } from "../storage/event-channel.ts";
import type { SubscriptionDefinition } from "./define.ts";
import { effectiveDelivery } from "./semantics.ts";
import type { ClusterEnv } from "../env.ts";

/** Exactly-once records of `(subscription, eventId)` are kept 7 days, then pruned by the subscriber's alarm. */
export const EVENT_DEDUP_RETENTION_MS = 7 * 24 * 3_600_000;

export interface DeliveryDeps {
  readonly env: ClusterEnv;
  readonly router: Router;
  /** `channel-prefix` (default): a tenant event's entity keys are prefixed `<tenantId>:`. */
  readonly tenantIsolation: "channel-prefix" | "none";
}

/** Whether a subscription receives an event, per the event's scope and the subscription's tenant. */
export function receives(sub: SubscriptionDefinition, message: EventMessage): boolean {
  if (message.subscription !== undefined && message.subscription !== sub.name) return false;
  if (sub.when !== undefined && !sub.when(message.payload, message)) return false;
  if (sub.tenant === undefined) return true;
  return message.scope === "tenant" && message.tenantId === sub.tenant;
}

/** The stream a sequenced event belongs to at one subscriber: `(subscription, producer, channel)`, the channel tenant-prefixed as its sequence was. */
export function streamOf(sub: SubscriptionDefinition, message: EventMessage): string | undefined {
  return message.partitionKey === undefined || message.sequence === undefined ? undefined : `${sub.name}|${message.producer}|${eventChannel(message.partitionKey, message.tenantId)}`;
}

/** The entity key an event goes to at an entity target: `<tenantId>:`-prefixed for a tenant's event under `channel-prefix` isolation. */
export function subscriberKey(target: { key: (payload: never, message: EventMessage) => string }, message: EventMessage, isolation: DeliveryDeps["tenantIsolation"]): string {
  const rawKey = target.key(message.payload as never, message);
  return message.scope === "tenant" && message.tenantId && isolation === "channel-prefix" ? `${message.tenantId}:${rawKey}` : rawKey;
}

/**
 * Delivers one event to one subscription. Entity targets: exactly-once sends the message with id
 * `<subscription>:<eventId>` (recorded by the entity in the transaction of its effect, 7 days);
 * at-least-once sends it without an id; sequenced events go through the shard's ordered delivery,
 * unless the delivery is best-effort (`effectiveDelivery`): a best-effort failure is never retried,
 * so it must not leave a gap that holds its stream. Function targets run here. Throws when the
 * subscriber failed.
 */
export async function deliverToSubscription(sub: SubscriptionDefinition, message: EventMessage, deps: DeliveryDeps, attempt: number): Promise<"applied" | "duplicate" | "held"> {
  const payload = message.payload;
  if ("run" in sub.to) {
    await sub.to.run(payload, message, { env: deps.env, tenantId: message.tenantId, attempt, router: deps.router, realtime: realtime(deps.env) });
    crashIfAsked(sub.name);
    return "applied";
  }
  if ("topic" in sub.to || "user" in sub.to) return deliverToRealtime(sub, message, deps);
  const target = sub.to;
  const key = subscriberKey(target, message, deps.tenantIsolation);
  const input = target.input ? target.input(payload, message) : payload;
  const stream = effectiveDelivery(message.delivery, sub.deliver) === "best-effort" ? undefined : streamOf(sub, message);
  const result = await deps.router.request(target.entityType, key, target.message, input, {
    ...(sub.deliver === "exactly-once" ? { messageId: `${sub.name}:${message.eventId}`, dedupRetentionMs: EVENT_DEDUP_RETENTION_MS } : {}),
    ...(stream && message.sequence !== undefined ? { order: { stream, sequence: message.sequence, original: { ...message, subscription: sub.name } } } : {}),
    context: { requestId: message.eventId.replace(/[^\w=-]/g, "_") },
  });
  crashIfAsked(sub.name);
  return result.status ?? (result.duplicate ? "duplicate" : "applied");
}

/**
 * A realtime target (STRM-02): the payload goes to a topic (G gateway calls) or a user (one), as a
 * push with `event: <type>`, deduplicated in each gateway by `<subscription>:<eventId>` in the same
 * transaction as its log append. A failing gateway fails the delivery, so the Queue retries it and
 * the gateways that already have it answer `duplicate`.
 */
async function deliverToRealtime(sub: SubscriptionDefinition, message: EventMessage, deps: DeliveryDeps): Promise<"applied" | "duplicate"> {
  const extras = { event: message.type, dedupId: `${sub.name}:${message.eventId}` };
  // A bad name fails the delivery (retried, then dead-lettered) rather than pushing nowhere.
  const rt = realtime(deps.env);
  if ("topic" in sub.to) {
    const result = await rt.publish(TopicSchema.parse(sub.to.topic(message.payload, message)), message.payload, { ...extras, tenant: message.scope === "tenant" ? message.tenantId : undefined });
    if (result.failedGateways?.length) throw new Error(`realtime topic delivery failed on gateways ${result.failedGateways.join(", ")}`);
    return "applied";
  }
  if (!("user" in sub.to)) throw new Error(`subscription ${sub.name} has no realtime target`);
  const result = await rt.sendToUser(UserIdSchema.parse(sub.to.user(message.payload, message)), message.payload, undefined, { ...extras, tenant: message.scope === "tenant" ? message.tenantId : undefined });
  return result.duplicate ? "duplicate" : "applied";
}

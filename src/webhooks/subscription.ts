import { defineSubscription, type EventDefinition, type SubscriptionDefinition } from "../events/define.ts";
import { unwrap } from "../shards/delivery.ts";
import { tenantExists } from "../tenants/known-tenants.ts";
import type { EventMessage, WebhookPayload } from "../spec/index.ts";
import { tenantWebhooks } from "./tenant-client.ts";
import type { ClusterEnv } from "../env.ts";

/** The Standard Webhooks body of an event: `{ type, timestamp, data }`. */
export function webhookBody(message: EventMessage): string {
  const payload: WebhookPayload = { type: message.type, timestamp: new Date(message.emittedAt).toISOString(), data: message.payload };
  return JSON.stringify(payload);
}

/** Hands a tenant-scoped event to its tenant's `TenantObject`, which enqueues one delivery per subscribed endpoint. */
export async function enqueueForTenant(env: ClusterEnv, message: EventMessage): Promise<void> {
  if (message.scope !== "tenant" || message.tenantId === undefined) return;
  if (!(await tenantExists(env, message.tenantId))) return; // an unknown tenant has no endpoints; reaching its object would create it
  unwrap(await tenantWebhooks(env.TENANTS, message.tenantId).enqueueWebhookEvent({ eventId: message.eventId, type: message.type, body: webhookBody(message) }));
}

/** The subscription name of an event type: `webhooks-<type with . and _ as ->`. */
export function webhookSubscriptionName(type: string): string {
  return `webhooks-${type.replace(/[^a-z0-9-]/g, "-")}`.slice(0, 64);
}

/**
 * One at-least-once function subscription per declared event type (subscriptions are per type):
 * every tenant-scoped event reaches its tenant's `TenantObject`, where the insert of each delivery
 * is deduplicated by `(endpoint, event id)`, so a Queue redelivery never makes a second delivery.
 * Cluster-scoped events are ignored.
 */
export function webhookSubscriptions(events: readonly EventDefinition[]): SubscriptionDefinition[] {
  return events.map((event) => defineSubscription(event, { name: webhookSubscriptionName(event.type), deliver: "at-least-once", to: { run: (_payload, message, ctx) => enqueueForTenant(ctx.env, message) } }));
}

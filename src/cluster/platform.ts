import type { EventDefinition, SubscriptionDefinition } from "../events/define.ts";
import { EventBus } from "../events/publisher.ts";
import { JobsShard } from "../jobs/jobs-entity.ts";
import type { AnyEntity } from "../shards/entity.ts";
import { rolloutEvents } from "../fleet/events.ts";
import { MetadataChangedEvent, tenantLifecycleEvents } from "../tenants/events.ts";
import { WebhookEndpointDisabledEvent } from "../webhooks/events.ts";
import { SagaLog } from "../workflows/saga-log.ts";
import { AppError } from "../spec/index.ts";

/**
 * What the platform declares for itself, whatever the application declares: the entities that own
 * published events (`EventBus`), job shards (`Jobs`) and saga records (`SagaLog`); the events of
 * tenants, deploys and webhooks; and one webhook subscription per event type, so every
 * tenant-scoped event (the application's too) reaches its tenant's endpoints.
 */
export const PLATFORM_ENTITIES: readonly AnyEntity[] = [EventBus, JobsShard, SagaLog] as readonly AnyEntity[];

export const PLATFORM_EVENTS: readonly EventDefinition[] = [MetadataChangedEvent, WebhookEndpointDisabledEvent, ...tenantLifecycleEvents, ...rolloutEvents];

/** Subscription names with this prefix are the platform's. */
export const PLATFORM_SUBSCRIPTION_PREFIX = "webhooks-";

/** Throws, naming the declaration, when an application reuses a name the platform owns. */
export function assertNoPlatformNames(app: { entities: readonly AnyEntity[]; events: readonly EventDefinition[]; subscriptions: readonly SubscriptionDefinition[] }): void {
  const clash = (kind: string, name: string) => new Error(`createCluster: ${kind} '${name}' is declared by the platform itself; choose another name`);
  for (const e of app.entities) if (PLATFORM_ENTITIES.some((p) => p.type === e.type)) throw clash("entity type", e.type);
  for (const e of app.events) if (PLATFORM_EVENTS.some((p) => p.type === e.type)) throw clash("event type", e.type);
  for (const s of app.subscriptions) if (s.name.startsWith(PLATFORM_SUBSCRIPTION_PREFIX)) throw clash("subscription", s.name);
}

/**
 * Refuses (404, as an unknown type) the platform's own entity types over HTTP: their messages
 * keep the platform's invariants (an event published unvalidated, a saga record or a job changed
 * behind its owner's back), so only the platform sends to them.
 */
export function assertAppEntityType(type: string): void {
  if (PLATFORM_ENTITIES.some((p) => p.type === type)) throw new AppError("not_found", `unknown entity type '${type}'`);
}

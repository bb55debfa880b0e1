import { defineEvent, type EventRegistry } from "../events/define.ts";
import { publishEvents } from "../events/publish.ts";
import type { Router } from "../shards/index.ts";
import { MetadataChangedSchema, TENANT_LIFECYCLE_EVENTS, TenantIdSchema, TenantLifecycleEventSchema, type MetadataChanged } from "../spec/index.ts";

/** `TenantDatabaseLifecycle` hooks as cluster-scoped events, published after each change. */
export const TenantCreatedEvent = defineEvent({ type: TENANT_LIFECYCLE_EVENTS.onTenantCreate, payload: TenantLifecycleEventSchema });
export const TenantSuspendedEvent = defineEvent({ type: TENANT_LIFECYCLE_EVENTS.onTenantSuspend, payload: TenantLifecycleEventSchema });
export const TenantResumedEvent = defineEvent({ type: TENANT_LIFECYCLE_EVENTS.onTenantResume, payload: TenantLifecycleEventSchema });
export const TenantDeletedEvent = defineEvent({ type: TENANT_LIFECYCLE_EVENTS.onTenantDelete, payload: TenantLifecycleEventSchema });

export const tenantLifecycleEvents = [TenantCreatedEvent, TenantSuspendedEvent, TenantResumedEvent, TenantDeletedEvent];

/** `metadata.changed`, tenant-scoped, published after each committed deploy or app install. */
export const MetadataChangedEvent = defineEvent({ type: "metadata.changed", payload: MetadataChangedSchema });

/**
 * Publishes a deploy's `metadata.changed` events (one per object changed), each with an id fixed by
 * the tenant, the deploy and the version. They share the tenant's `metadata:<id>` partition key,
 * so they travel to its owner in as few calls as fit (`publishEvents`).
 */
export async function publishMetadataChanged(router: Router, registry: EventRegistry, events: readonly MetadataChanged[]): Promise<void> {
  const published = events.map((e) => ({
    event: { type: "metadata.changed", payload: e, scope: "tenant" as const, tenantId: TenantIdSchema.parse(e.tenantId), partitionKey: `metadata:${e.tenantId ?? ""}` },
    eventId: `metadata.${e.tenantId ?? ""}.${e.correlationId ?? ""}.${e.version}`,
  }));
  await publishEvents(router, registry, published);
}

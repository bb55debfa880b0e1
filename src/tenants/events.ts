import { defineEvent } from "../events/define.ts";
import { MetadataChangedSchema, TENANT_LIFECYCLE_EVENTS, TenantLifecycleEventSchema } from "../spec/index.ts";

/** `TenantDatabaseLifecycle` hooks as cluster-scoped events, published after each change. */
export const TenantCreatedEvent = defineEvent({ type: TENANT_LIFECYCLE_EVENTS.onTenantCreate, payload: TenantLifecycleEventSchema });
export const TenantSuspendedEvent = defineEvent({ type: TENANT_LIFECYCLE_EVENTS.onTenantSuspend, payload: TenantLifecycleEventSchema });
export const TenantResumedEvent = defineEvent({ type: TENANT_LIFECYCLE_EVENTS.onTenantResume, payload: TenantLifecycleEventSchema });
export const TenantDeletedEvent = defineEvent({ type: TENANT_LIFECYCLE_EVENTS.onTenantDelete, payload: TenantLifecycleEventSchema });

export const tenantLifecycleEvents = [TenantCreatedEvent, TenantSuspendedEvent, TenantResumedEvent, TenantDeletedEvent];

/** `metadata.changed`, tenant-scoped, published after each committed deploy or app install. */
export const MetadataChangedEvent = defineEvent({ type: "metadata.changed", payload: MetadataChangedSchema });

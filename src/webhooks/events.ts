import { clock } from "../clock.ts";
import { defineEvent, type EventRegistry } from "../events/define.ts";
import { publishEvent } from "../events/publish.ts";
import type { Router } from "../shards/index.ts";
import { WebhookEndpointDisabledSchema, type TenantId, type WebhookEndpointDisabled } from "../spec/index.ts";

/** Published (tenant-scoped) when an endpoint is disabled: it answered 410 Gone, or failed every attempt for 5 days. */
export const WebhookEndpointDisabledEvent = defineEvent({ type: "webhook.endpoint_disabled", payload: WebhookEndpointDisabledSchema });

/** Publishes `webhook.endpoint_disabled`, with an event id fixed by the endpoint and the moment. */
export async function publishEndpointDisabled(router: Router, registry: EventRegistry, tenantId: TenantId, event: WebhookEndpointDisabled): Promise<void> {
  await publishEvent(router, registry, { type: "webhook.endpoint_disabled", payload: event, scope: "tenant", tenantId }, `webhook.endpoint_disabled:${event.endpointId}:${clock.now()}`);
}

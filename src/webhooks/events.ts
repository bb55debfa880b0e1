import { defineEvent } from "../events/define.ts";
import { WebhookEndpointDisabledSchema } from "../spec/index.ts";

/** Published (tenant-scoped) when an endpoint is disabled: it answered 410 Gone, or failed every attempt for 5 days. */
export const WebhookEndpointDisabledEvent = defineEvent({ type: "webhook.endpoint_disabled", payload: WebhookEndpointDisabledSchema });

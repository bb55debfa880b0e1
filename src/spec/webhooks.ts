import { z } from "zod";
import { EventTypeSchema } from "./events.ts";

/**
 * Outbound webhooks (JOBS-02), after the Standard Webhooks specification (standardwebhooks.com):
 * endpoints of a tenant, their deliveries and every attempt.
 */

/** An endpoint id: `ep_` + 24 hex characters. */
export const WebhookEndpointIdSchema = z.string().regex(/^ep_[0-9a-f]{24}$/, "ep_ + 24 hex characters").brand<"WebhookEndpointId">().describe("Webhook endpoint id");
export type WebhookEndpointId = z.infer<typeof WebhookEndpointIdSchema>;

/** A delivery id: `dlv_` + 24 hex characters. */
export const WebhookDeliveryIdSchema = z.string().regex(/^dlv_[0-9a-f]{24}$/, "dlv_ + 24 hex characters").brand<"WebhookDeliveryId">().describe("Webhook delivery id");
export type WebhookDeliveryId = z.infer<typeof WebhookDeliveryIdSchema>;

/** The event types an endpoint receives: a list of types, or `["*"]` for every type. */
export const WebhookEventFilterSchema = z
  .union([z.tuple([z.literal("*")]), z.array(EventTypeSchema).min(1).max(100)])
  .describe('Event types delivered to the endpoint (1–100), or ["*"] for every type');

const Url = z.string().min(1).max(2048).describe("Receiver URL: https, public host (see the SSRF rules)");
const Description = z.string().max(512).describe("Free text, at most 512 characters");
const RateLimit = z.number().int().min(1).max(10_000).describe("Attempts per second to this endpoint (1–10,000); absent: unlimited");

/** Body of `POST /v1/tenants/{tenant}/webhooks`. */
export const CreateWebhookSchema = z
  .object({ url: Url, events: WebhookEventFilterSchema, description: Description.optional(), rateLimitPerSecond: RateLimit.optional() })
  .strict()
  .describe("A new webhook endpoint");
export type CreateWebhook = z.infer<typeof CreateWebhookSchema>;

/** Body of `PATCH /v1/tenants/{tenant}/webhooks/{id}`: only the fields given change; `null` clears. */
export const UpdateWebhookSchema = z
  .object({
    url: Url.optional(),
    events: WebhookEventFilterSchema.optional(),
    description: Description.nullable().optional(),
    rateLimitPerSecond: RateLimit.nullable().optional(),
    disabled: z.boolean().optional().describe("true stops deliveries; false re-enables and resumes pending deliveries"),
  })
  .strict()
  .describe("Changes to a webhook endpoint");
export type UpdateWebhook = z.infer<typeof UpdateWebhookSchema>;

/** An endpoint as the API shows it: never its secret. */
export const WebhookEndpointSchema = z
  .object({
    id: WebhookEndpointIdSchema,
    url: z.string().describe("Receiver URL"),
    events: z.array(z.string()).describe('Event types, or ["*"]'),
    description: z.string().nullable().describe("Free text"),
    rateLimitPerSecond: z.number().int().nullable().describe("Attempts per second, null: unlimited"),
    disabled: z.boolean().describe("A disabled endpoint gets no new deliveries and no attempts"),
    disabledReason: z.enum(["manual", "gone", "failing"]).nullable().describe("manual (PATCH), gone (the receiver answered 410), failing (5 days of failures)"),
    failingSince: z.string().nullable().describe("ISO time of the first failure since the last success"),
    secretRotationEndsAt: z.string().nullable().describe("Until this ISO time the previous secret signs too"),
    createdAt: z.string().describe("ISO creation time"),
    updatedAt: z.string().describe("ISO time of the last change"),
  })
  .describe("A webhook endpoint");
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

/** The answer of a create or a secret rotation: the secret, shown this once. */
export const WebhookSecretSchema = WebhookEndpointSchema.extend({
  secret: z.string().describe("whsec_ + base64 of 32 random bytes; shown only in this answer"),
}).describe("An endpoint with its signing secret");
export type WebhookSecret = z.infer<typeof WebhookSecretSchema>;

export const WebhookDeliveryStatusSchema = z.enum(["pending", "succeeded", "dead"]).describe("pending (will be attempted), succeeded (a 2xx), dead (retries exhausted)");
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatusSchema>;

/** One HTTP attempt of a delivery. */
export const WebhookAttemptSchema = z
  .object({
    attempt: z.number().int().min(1).describe("Attempt number within the delivery, from 1"),
    at: z.string().describe("ISO time the attempt started"),
    statusCode: z.number().int().nullable().describe("HTTP status of the answer; null when no answer (timeout, refused URL, network)"),
    latencyMs: z.number().int().describe("Time to the response headers, ms"),
    error: z.string().nullable().describe("Why the attempt failed; null on success"),
    nextRetryAt: z.string().nullable().describe("ISO time of the next attempt it scheduled; null when none"),
    replay: z.boolean().describe("True for an attempt started by a replay"),
  })
  .describe("One attempt");
export type WebhookAttempt = z.infer<typeof WebhookAttemptSchema>;

/** A delivery: one event to one endpoint, with its attempts (oldest first). */
export const WebhookDeliverySchema = z
  .object({
    id: WebhookDeliveryIdSchema,
    endpointId: WebhookEndpointIdSchema,
    eventId: z.string().describe("The event id, sent as webhook-id on every attempt"),
    eventType: z.string().describe("The event type"),
    status: WebhookDeliveryStatusSchema,
    attempts: z.array(WebhookAttemptSchema).describe("Every attempt, oldest first"),
    nextAttemptAt: z.string().nullable().describe("ISO time of the next attempt; null unless pending"),
    createdAt: z.string().describe("ISO time the delivery was enqueued"),
  })
  .describe("A webhook delivery");
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

/** Query of the deliveries list. */
export const WebhookDeliveryQuerySchema = z
  .object({
    status: WebhookDeliveryStatusSchema.optional(),
    cursor: z.string().regex(/^\d+$/).optional().describe("nextCursor of the previous page"),
    limit: z.coerce.number().int().min(1).max(100).optional().default(20).describe("Page size (default 20, at most 100)"),
  })
  .describe("Filter and page of deliveries, newest first");
export type WebhookDeliveryQuery = z.infer<typeof WebhookDeliveryQuerySchema>;

export const WebhookDeliveryPageSchema = z
  .object({ items: z.array(WebhookDeliverySchema).describe("Deliveries, newest first"), nextCursor: z.string().nullable().describe("Pass as cursor for the next page") })
  .describe("A page of deliveries");
export type WebhookDeliveryPage = z.infer<typeof WebhookDeliveryPageSchema>;

/** The body of every attempt: the event, as the Standard Webhooks payload structure. */
export const WebhookPayloadSchema = z
  .object({ type: z.string().describe("Event type"), timestamp: z.string().describe("ISO time the event was emitted"), data: z.unknown().describe("The event payload") })
  .describe("Webhook request body");
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>;

/** `webhook.endpoint_disabled`: an endpoint stopped receiving (410 Gone, or failing for 5 days). */
export const WebhookEndpointDisabledSchema = z
  .object({
    endpointId: z.string().describe("The endpoint"),
    url: z.string().describe("Its URL"),
    reason: z.enum(["gone", "failing"]).describe("gone: the receiver answered 410; failing: every attempt failed for 5 days"),
    failingSince: z.string().nullable().describe("ISO time of the first failure of the streak"),
  })
  .describe("webhook.endpoint_disabled payload");
export type WebhookEndpointDisabled = z.infer<typeof WebhookEndpointDisabledSchema>;

/**
 * Webhook knobs from the environment. `WEBHOOK_RETRY_SCHEDULE_SCALE` multiplies every retry delay
 * and the 5-day disable window (default 1; tests use e.g. 0.0001 so the 24 h schedule runs in seconds).
 */
export const WebhookConfigSchema = z
  .object({
    WEBHOOK_RETRY_SCHEDULE_SCALE: z.coerce.number().gt(0).max(1).optional().default(1).describe("Development only: multiplies retry delays and the disable window (0 < scale ≤ 1, default 1)"),
  })
  .describe("Webhook configuration");
export type WebhookConfig = z.infer<typeof WebhookConfigSchema>;

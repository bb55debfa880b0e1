import { z } from "zod";
import { EventDeliverySemanticsSchema, EventScopeSchema, MetadataChangeOperationSchema } from "./cluster.ts";
import { EventIdSchema, TenantIdSchema } from "./ids.ts";

/**
 * The events protocol (EVNT-01, EVNT-02, EVNT-04): what travels on the `events` Queue, what
 * `POST /v1/events` accepts, and what the dead-letter list holds.
 */

/** An event type: lower-case dotted name, e.g. `counter.incremented`; at most 128. */
export const EventTypeSchema = z.string().regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/, "lower-case dotted name, e.g. counter.incremented").max(128).describe("Event type");

/** A Queue message: one event. `(producer, partitionKey, sequence)` orders same-key events. */
export const EventMessageSchema = z
  .object({
    eventId: EventIdSchema,
    type: EventTypeSchema,
    version: z.number().int().min(1).describe("Payload version"),
    payload: z.unknown().describe("Event payload, validated against the registry by the consumer"),
    scope: EventScopeSchema,
    delivery: EventDeliverySemanticsSchema,
    partitionKey: z.string().min(1).max(256).optional().describe("Events with one partition key reach each subscriber in emit order"),
    tenantId: TenantIdSchema.optional().describe("Tenant of a tenant-scoped event"),
    producer: z.string().min(1).max(256).describe("The emitting object: the sequence space of a partition key"),
    sequence: z.number().int().min(1).optional().describe("Position of the event within (producer, partitionKey), from 1"),
    emittedAt: z.number().int().describe("Commit time, ms since the epoch"),
    subscription: z.string().optional().describe("Replays only: deliver to this subscription only"),
  })
  .describe("An event on the events Queue");
export type EventMessage = z.infer<typeof EventMessageSchema>;

/** Body of `POST /v1/events`. */
export const PublishEventSchema = z
  .object({
    type: EventTypeSchema,
    payload: z.unknown().describe("Event payload (validated against the event's schema)"),
    partitionKey: z.string().min(1).max(256).optional().describe("Orders events with this key; they are sequenced by the key's owner"),
    scope: z.enum(["cluster", "tenant"]).optional().default("cluster").describe("cluster (default) or tenant"),
    tenantId: TenantIdSchema.optional().describe("Required with scope tenant (a tenant key fixes it)"),
  })
  .strict()
  .describe("An event published from outside");
export type PublishEvent = z.infer<typeof PublishEventSchema>;

export const PublishedSchema = z.object({ eventId: z.string(), duplicate: z.boolean() }).describe("The event is durable (in an outbox)");

/** An event that exhausted its retries, as the dead-letter list keeps it. */
/** Where an ordered stream gave a missing sequence up. */
export const StreamGapSchema = z
  .object({
    stream: z.string().describe("The stream: `<subscription>|<producer>|<channel>`"),
    sequence: z.number().int().min(1).describe("The sequence given up"),
    producer: z.string().describe("The object that emitted the stream's events"),
    object: z.string().describe("The subscriber shard that held the stream"),
  })
  .describe("A gap in an ordered stream");
export type StreamGap = z.infer<typeof StreamGapSchema>;

/** A stream waiting on a missing sequence for longer than the gap timeout. */
export const StuckStreamSchema = z
  .object({
    stream: z.string().describe("The stream: `<subscription>|<producer>|<channel>`"),
    object: z.string().describe("The subscriber shard that holds it"),
    nextSequence: z.number().int().min(1).describe("The sequence it waits for"),
    held: z.number().int().min(1).describe("Later events it holds"),
    oldestHeldAgeMs: z.number().int().min(0).describe("Age of the oldest held event"),
    refetches: z.number().int().min(0).describe("Times the missing sequence was asked of its producer again"),
  })
  .describe("A stream waiting on a gap");
export type StuckStream = z.infer<typeof StuckStreamSchema>;

export const DeadLetterSchema = z
  .object({
    id: z.string().describe("Dead-letter id: the event id, `<event id>:<subscription>`, or for a gap whose event is unknown `gap:<hash>:<sequence>`"),
    event: EventMessageSchema.nullable().describe("The event; null for a gap whose producer no longer had it (nothing to replay)"),
    error: z.object({ message: z.string(), code: z.string() }).describe("The last failure"),
    attempts: z.number().int().describe("Delivery attempts"),
    firstFailedAt: z.string().describe("ISO time of the first failure"),
    lastFailedAt: z.string().describe("ISO time of the last failure"),
    subscription: z.string().nullable().describe("The subscription that failed (null: the event itself was invalid, or never reached the Queue)"),
    reason: z.enum(["failed", "invalid", "unrelayed", "unacknowledged", "gap"]).describe("failed: a subscriber kept failing; invalid: not an event of the registry; unrelayed: the outbox relay gave up; unacknowledged: sent for 6 days, never acknowledged; gap: an ordered stream gave its sequence up"),
    gap: StreamGapSchema.nullable().optional().describe("Set when the dead letter is a gap: an ordered stream gave the sequence up and moved past it"),
  })
  .describe("A dead event");
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

/** The canonical `metadata.changed` payload (seed 000), emitted by tenant deploys. */
export const MetadataChangedSchema = z
  .object({
    type: z.string().min(1).describe('Metadata type (e.g. "object")'),
    name: z.string().min(1).describe("Machine name of the item"),
    tenantId: z.string().optional().describe("Tenant id when the change is tenant-scoped"),
    version: z.number().int().min(1).describe("Monotonic version after the change (an integer: JSON has no bigint)"),
    operation: MetadataChangeOperationSchema,
    correlationId: z.string().optional().describe("Deploy or request that produced the change"),
  })
  .describe("metadata.changed payload");
export type MetadataChanged = z.infer<typeof MetadataChangedSchema>;

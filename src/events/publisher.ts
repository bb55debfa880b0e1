import { z } from "zod";
import { EventIdSchema, EventTypeSchema, TenantIdSchema } from "../spec/index.ts";
import { defineEntity } from "../shards/define-entity.ts";
import type { HandlerContext } from "../shards/entity.ts";

const PublishInputSchema = z.object({
  eventId: EventIdSchema,
  type: EventTypeSchema,
  payload: z.unknown(),
  scope: z.enum(["cluster", "tenant"]),
  partitionKey: z.string().min(1).max(256).optional(),
  tenantId: TenantIdSchema.optional(),
});
/** One event as its owner stores it. */
export type PublishInput = z.input<typeof PublishInputSchema>;

/**
 * The owner of events published from outside (`POST /v1/events`). An event is published by the
 * `EventBus` entity whose key is its partition key (or its event id): its handler emits it into
 * that shard's outbox, so the 202 comes only once the event is durable, a repeated Idempotency-Key
 * (the event id) is a duplicate, and events of one partition key are sequenced by one owner.
 */
export const EventBus = defineEntity({
  type: "EventBus",
  shards: 64,
  state: z.object({}),
  initial: () => ({}),
  messages: {
    publish: { input: PublishInputSchema, output: z.object({ eventId: z.string() }) },
    /** Up to 100 events of one owner in one transaction (`publishEvents`). */
    publishBatch: { input: z.object({ events: z.array(PublishInputSchema).min(1).max(100) }), output: z.object({ events: z.number() }) },
  },
  handlers: {
    publish(ctx, input) {
      // The state stays as it is (no row to write): the outbox row is the publish.
      emitPublished(ctx, input);
      return { eventId: input.eventId };
    },
    publishBatch(ctx, { events }) {
      for (const input of events) emitPublished(ctx, input);
      return { events: events.length };
    },
  },
});

function emitPublished(ctx: Pick<HandlerContext<unknown>, "emit">, { eventId, type, payload, scope, partitionKey, tenantId }: z.output<typeof PublishInputSchema>): void {
  ctx.emit(type, payload, { scope, eventId, ...(partitionKey ? { partitionKey } : {}), ...(tenantId ? { tenantId } : {}) });
}

import { z } from "zod";
import { EventIdSchema, EventTypeSchema, TenantIdSchema } from "../spec/index.ts";
import { defineEntity } from "../shards/define-entity.ts";

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
    publish: {
      input: z.object({
        eventId: EventIdSchema,
        type: EventTypeSchema,
        payload: z.unknown(),
        scope: z.enum(["cluster", "tenant"]),
        partitionKey: z.string().min(1).max(256).optional(),
        tenantId: TenantIdSchema.optional(),
      }),
      output: z.object({ eventId: z.string() }),
    },
  },
  handlers: {
    publish(ctx, { eventId, type, payload, scope, partitionKey, tenantId }) {
      // The state stays as it is (no row to write): the outbox row is the publish.
      ctx.emit(type, payload, { scope, eventId, ...(partitionKey ? { partitionKey } : {}), ...(tenantId ? { tenantId } : {}) });
      return { eventId };
    },
  },
});

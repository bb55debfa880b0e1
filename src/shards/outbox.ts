import { defaultDeliverySemantics, EventClusterOptionsSchema, type EventClusterOptions } from "../spec";

/** An event a handler emitted, waiting for its transaction to commit. */
export interface PendingEvent {
  readonly eventId: string;
  readonly type: string;
  readonly payload: unknown;
  readonly options: Required<Pick<EventClusterOptions, "scope" | "deliverySemantics">> & Pick<EventClusterOptions, "partitionKey">;
}

/**
 * Builds an outbox entry from `ctx.emit`. Options are validated here, at the emitter, so a bad
 * emit fails the handler before anything is stored. The event id is fixed now, so every relay of
 * the row carries the same id.
 */
export function pendingEvent(type: string, payload: unknown, options: Partial<EventClusterOptions> = {}): PendingEvent {
  if (typeof type !== "string" || type.length === 0 || type.length > 128) throw new Error("emit: event type must be 1–128 characters");
  const parsed = EventClusterOptionsSchema.parse(options);
  JSON.stringify(payload); // throws on cycles and BigInt: an event must be JSON
  return {
    eventId: `evt_${crypto.randomUUID()}`,
    type,
    payload,
    options: { scope: parsed.scope, deliverySemantics: parsed.deliverySemantics ?? defaultDeliverySemantics(parsed.scope), partitionKey: parsed.partitionKey },
  };
}

/** Writes outbox rows; call inside the handler's transaction. */
export function writeOutbox(sql: SqlStorage, entityKey: string, events: readonly PendingEvent[], now: number): void {
  for (const e of events) {
    sql.exec(
      "INSERT INTO outbox (event_id, type, payload, scope, delivery, partition_key, entity_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      e.eventId, e.type, JSON.stringify(e.payload ?? null), e.options.scope, e.options.deliverySemantics, e.options.partitionKey ?? null, entityKey, now,
    );
  }
}

import { defaultDeliverySemantics, EventClusterOptionsSchema, type EventClusterOptions } from "../spec";
import type { Migration } from "./migrations";

/**
 * The transactional outbox (EVNT-02), shared by every Durable Object that emits events: a row is
 * written in the same transaction as the state change that emitted it, so an event exists if and
 * only if its transaction committed. The events module relays rows to the Queue after the commit.
 */
export const OUTBOX_TABLE_SQL = `
  CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('local', 'cluster', 'tenant')),
    delivery TEXT NOT NULL CHECK (delivery IN ('best-effort', 'at-least-once', 'exactly-once')),
    partition_key TEXT,
    entity_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
  );`;

/** A migration that adds the outbox table; append it to an object's migrations. */
export function outboxMigration(version: number): Migration {
  return { version, name: "outbox", sql: OUTBOX_TABLE_SQL };
}

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

/** Writes outbox rows; call inside the transaction of the change that emitted them. `source` is the emitting entity key (or another id of the emitter). */
export function writeOutbox(sql: SqlStorage, source: string, events: readonly PendingEvent[], now: number): void {
  for (const e of events) {
    sql.exec(
      "INSERT INTO outbox (event_id, type, payload, scope, delivery, partition_key, entity_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      e.eventId, e.type, JSON.stringify(e.payload ?? null), e.options.scope, e.options.deliverySemantics, e.options.partitionKey ?? null, source, now,
    );
  }
}

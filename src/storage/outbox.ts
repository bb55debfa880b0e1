import { AppError, defaultDeliverySemantics, EventClusterOptionsSchema, type EventClusterOptions } from "../spec/index.ts";
import { eventChannel } from "./event-channel.ts";
import { assertEmitFits } from "./event-size.ts";
import type { Migration } from "./migrations.ts";
import { IN_JSON_LIST } from "./sql-params.ts";

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
    version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    payload TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('local', 'cluster', 'tenant')),
    delivery TEXT NOT NULL CHECK (delivery IN ('best-effort', 'at-least-once', 'exactly-once')),
    partition_key TEXT,
    sequence INTEGER CHECK (sequence >= 1),
    tenant_id TEXT,
    entity_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
  );
  CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (sent_at, next_attempt_at);
  CREATE TABLE IF NOT EXISTS outbox_sequences (partition_key TEXT PRIMARY KEY, last INTEGER NOT NULL);`;
// outbox_sequences.partition_key holds the event's channel (see event-channel.ts), not the raw key.

/** A migration that adds the outbox table; append it to an object's migrations. */
export function outboxMigration(version: number): Migration {
  return { version, name: "outbox", sql: OUTBOX_TABLE_SQL };
}

/** An event a handler emitted, waiting for its transaction to commit. */
export interface PendingEvent {
  readonly eventId: string;
  readonly type: string;
  readonly version: number;
  readonly payload: unknown;
  readonly tenantId?: string | undefined;
  readonly options: Required<Pick<EventClusterOptions, "scope" | "deliverySemantics">> & Pick<EventClusterOptions, "partitionKey">;
}

/** Emit options: the seed's `EventClusterOptions`, plus a fixed event id (publishing with an Idempotency-Key) and the tenant. */
export type EmitOptions = Partial<EventClusterOptions> & { eventId?: string; tenantId?: string };

/** Checks an emit against the event registry (unknown type, invalid payload) and returns the event's version. */
export type EventValidator = (type: string, payload: unknown, options: EmitOptions) => { version: number; payload: unknown };

/**
 * Builds an outbox entry from `ctx.emit`. Options are validated here, at the emitter, so a bad
 * emit fails the handler before anything is stored; so does an event whose Queue message would
 * exceed `MAX_EVENT_MESSAGE_BYTES` (413 `payload_too_large`). The event id is fixed now, so every
 * relay of the row carries the same id.
 */
export function pendingEvent(type: string, payload: unknown, options: EmitOptions = {}, validate?: EventValidator): PendingEvent {
  if (typeof type !== "string" || type.length === 0 || type.length > 128) throw new Error("emit: event type must be 1–128 characters");
  const { eventId, tenantId, ...cluster } = options;
  const parsed = EventClusterOptionsSchema.parse(cluster);
  if (parsed.scope === "local" && parsed.deliverySemantics !== undefined && parsed.deliverySemantics !== "best-effort") {
    throw new AppError("validation_failed", "emit: local-scope events are delivered in-process, best-effort only");
  }
  if (parsed.scope === "tenant" && !tenantId) throw new AppError("validation_failed", "emit: a tenant-scoped event needs a tenantId");
  const checked = validate ? validate(type, payload, options) : { version: 1, payload };
  JSON.stringify(checked.payload); // throws on cycles and BigInt: an event must be JSON
  const pending: PendingEvent = {
    eventId: eventId ?? `evt_${crypto.randomUUID()}`,
    type,
    version: checked.version,
    payload: checked.payload,
    ...(tenantId ? { tenantId } : {}),
    options: { scope: parsed.scope, deliverySemantics: parsed.deliverySemantics ?? defaultDeliverySemantics(parsed.scope), partitionKey: parsed.partitionKey },
  };
  // Local events never touch the Queue; every other one must fit a Queue message, or its row could never be relayed.
  if (parsed.scope !== "local") assertEmitFits(pending);
  return pending;
}

/**
 * When the rows written by a commit are sent: by the relay when due (`sendAt: null`, due now), or
 * by their emitter right after the commit (`sendAt` set): then they are written as sent once, owed
 * until `resendAt` (a best-effort row settled at once), and the relay sends them again only if that
 * send fails or is never acknowledged. Either way a crash after the commit loses nothing.
 */
export interface OutboxSend {
  readonly sendAt: number | null;
  readonly resendAt: number;
}

/**
 * Writes outbox rows; call inside the transaction of the change that emitted them. `source` is the
 * emitting entity key (or another id of the emitter). Sequences count per channel (the partition
 * key, tenant-prefixed for a tenant's events), so each tenant's events are numbered 1, 2, 3….
 * Returns the rows written (an event id already in the outbox writes none).
 */
export function writeOutbox(sql: SqlStorage, source: string, events: readonly PendingEvent[], now: number, send: OutboxSend = { sendAt: null, resendAt: 0 }): OutboxRow[] {
  const written: OutboxRow[] = [];
  for (const e of events) {
    if (e.options.scope === "local") continue; // delivered in-process after the commit, never queued
    const key = e.options.partitionKey ?? null;
    const delivery = e.options.deliverySemantics;
    // Best-effort events are not sequenced: they are never retried, so a lost one must not leave a gap.
    const channel = key === null || delivery === "best-effort" ? undefined : eventChannel(key, e.tenantId);
    const sequence = channel === undefined ? null : sql.exec<{ last: number }>("INSERT INTO outbox_sequences (partition_key, last) VALUES (?, 1) ON CONFLICT (partition_key) DO UPDATE SET last = last + 1 RETURNING last", channel).one().last;
    const [sentAt, sends, ackedAt, nextAt] = send.sendAt === null ? [null, 0, null, 0] : [send.sendAt, 1, delivery === "best-effort" ? send.sendAt : null, send.resendAt];
    const payload = JSON.stringify(e.payload ?? null);
    const row = sql.exec<{ seq: number }>(
      "INSERT INTO outbox (event_id, type, version, payload, scope, delivery, partition_key, sequence, tenant_id, entity_key, created_at, sent_at, sends, acked_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING RETURNING seq",
      e.eventId, e.type, e.version, payload, e.options.scope, delivery, key, sequence, e.tenantId ?? null, source, now, sentAt, sends, ackedAt, nextAt,
    ).toArray()[0];
    // An id already in the outbox writes nothing, and gives back the sequence it took (else the channel would have a gap).
    if (!row && channel !== undefined) sql.exec("UPDATE outbox_sequences SET last = last - 1 WHERE partition_key = ?", channel);
    if (row) written.push({ seq: row.seq, event_id: e.eventId, type: e.type, version: e.version, payload, scope: e.options.scope, delivery, partition_key: key, sequence, tenant_id: e.tenantId ?? null, created_at: now, attempts: 0, sends, sent_at: sentAt, acked_at: ackedAt });
  }
  return written;
}

/**
 * An outbox row is owed until its delivery is confirmed: the consumer acknowledges it (`acked_at`)
 * once every subscriber applied (or held, or dead-lettered) it; until then the relay sends it again
 * after the ack timeout, with backoff (`sends` counts the sends). Rows sent before this migration
 * are owed too: sent again a minute after their first send (copies are deduplicated).
 */
export const OUTBOX_OWED_SQL = `
  ALTER TABLE outbox ADD COLUMN acked_at INTEGER;
  ALTER TABLE outbox ADD COLUMN sends INTEGER NOT NULL DEFAULT 0;
  UPDATE outbox SET sends = 1, next_attempt_at = sent_at + 60000 WHERE sent_at IS NOT NULL;
  DROP INDEX IF EXISTS outbox_unsent;
  CREATE INDEX IF NOT EXISTS outbox_owed ON outbox (acked_at, next_attempt_at);
  CREATE INDEX IF NOT EXISTS outbox_sequence ON outbox (partition_key, sequence);`;

/** Acknowledged rows are kept this long (1 h), so a subscriber's stream can fetch a sequence again, then pruned by the relay. */
export const SENT_RETENTION_MS = 3_600_000;

/** When the outbox next needs its object's alarm: an owed row's next send, or pruning acknowledged rows. */
export function outboxNextDue(sql: SqlStorage): number | null {
  return outboxStatus(sql).nextDue;
}

/** When the outbox next needs the alarm, and how many of its rows are owed (in the same statement). */
export function outboxStatus(sql: SqlStorage): { nextDue: number | null; owed: number } {
  const row = sql.exec<{ t: number | null; owed: number }>(
    "SELECT MIN(t) AS t, (SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL) AS owed FROM (SELECT MIN(next_attempt_at) AS t FROM outbox WHERE acked_at IS NULL UNION ALL SELECT MIN(acked_at) + ? FROM outbox WHERE acked_at IS NOT NULL)",
    SENT_RETENTION_MS,
  ).one();
  return { nextDue: row.t, owed: row.owed };
}

/** Marks rows delivered (the consumer's acknowledgement); returns how many were still owed. */
export function ackOutbox(sql: SqlStorage, eventIds: readonly string[], now: number): number {
  return sql.exec(`UPDATE outbox SET acked_at = ? WHERE acked_at IS NULL AND event_id ${IN_JSON_LIST} RETURNING seq`, now, JSON.stringify(eventIds)).toArray().length;
}

/** The row of one sequence of a channel, if still kept. */
export function outboxRowOf(sql: SqlStorage, partitionKey: string, tenantId: string | undefined, sequence: number): OutboxRow | null {
  return sql.exec<OutboxRow>("SELECT * FROM outbox WHERE partition_key = ? AND sequence = ? AND tenant_id IS ?", partitionKey, sequence, tenantId ?? null).toArray()[0] ?? null;
}

/** A stored outbox row. */
export interface OutboxRow extends Record<string, SqlStorageValue> {
  seq: number; event_id: string; type: string; version: number; payload: string; scope: string; delivery: string;
  partition_key: string | null; sequence: number | null; tenant_id: string | null; created_at: number; attempts: number; sends: number; sent_at: number | null; acked_at: number | null;
}

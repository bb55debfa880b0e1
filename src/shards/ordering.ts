import type { Envelope } from "../spec/index.ts";

/**
 * Per-partition ordering at the subscriber (EVNT-01). Events of one `(subscription, producer,
 * partitionKey)` stream carry sequences 1, 2, 3…; the shard applies them only in that order. An
 * event that arrives ahead of a gap is held durably (SQLite, not memory) and applied as soon as the
 * gap fills; the stream's next sequence advances in the same transaction as each event's effect.
 */
export interface OrderedDelivery {
  readonly stream: string;
  readonly sequence: number;
}

export interface HeldEvent {
  readonly stream: string;
  readonly seq: number;
  readonly key: string;
  /** Null for a skip: the stream passes this sequence without applying anything (its dead letter was deleted). */
  readonly envelope: Envelope | null;
  /** The original Queue message, re-enqueued if applying the held event fails. */
  readonly original: unknown;
}

/** A stream at a glance, in one statement: its next sequence, the events it holds, whether a gap of it was recorded. */
export function streamState(sql: SqlStorage, stream: string): { next: number; held: number; gaps: number } {
  return sql
    .exec<{ next: number; held: number; gaps: number }>(
      "SELECT COALESCE((SELECT next_seq FROM order_streams WHERE stream = ?1), 1) AS next, (SELECT COUNT(*) FROM order_held WHERE stream = ?1) AS held, (SELECT COUNT(*) FROM order_gaps WHERE stream = ?1) AS gaps",
      stream,
    )
    .one();
}

export function nextSequence(sql: SqlStorage, stream: string): number {
  return sql.exec<{ next_seq: number }>("SELECT next_seq FROM order_streams WHERE stream = ?", stream).toArray()[0]?.next_seq ?? 1;
}

/** Advances the stream; call inside the transaction of the event's effect. */
export function advanceStream(sql: SqlStorage, stream: string, next: number): void {
  sql.exec("INSERT INTO order_streams (stream, next_seq) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET next_seq = MAX(next_seq, excluded.next_seq)", stream, next);
}

/** Holds an early event (idempotent: a redelivered early event is held once). */
export function holdEvent(sql: SqlStorage, held: HeldEvent, now: number): void {
  sql.exec(
    "INSERT INTO order_held (stream, seq, entity_key, envelope, original, held_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    held.stream, held.seq, held.key, JSON.stringify(held.envelope), JSON.stringify(held.original), now,
  );
}

/** The held event that is next in its stream, if any and not waiting for a retry. */
export function releasable(sql: SqlStorage, stream: string, now: number): HeldEvent | null {
  const row = sql
    .exec<{ seq: number; entity_key: string; envelope: string; original: string }>(
      "SELECT h.seq, h.entity_key, h.envelope, h.original FROM order_held h WHERE h.stream = ?1 AND h.retry_at <= ?2 AND h.seq = COALESCE((SELECT next_seq FROM order_streams WHERE stream = ?1), 1)",
      stream, now,
    )
    .toArray()[0];
  return row ? { stream, seq: row.seq, key: row.entity_key, envelope: JSON.parse(row.envelope) as Envelope | null, original: JSON.parse(row.original) as unknown } : null;
}

/**
 * Marks `seq` of `stream` as skipped: a held row with no envelope (replacing a held event there),
 * released like any held event, so the stream passes it once it is next. Idempotent.
 */
export function holdSkip(sql: SqlStorage, stream: string, seq: number, now: number): void {
  sql.exec(
    "INSERT INTO order_held (stream, seq, entity_key, envelope, original, held_at) VALUES (?, ?, '', 'null', 'null', ?) ON CONFLICT (stream, seq) DO UPDATE SET entity_key = '', envelope = 'null', original = 'null', retry_at = 0",
    stream, seq, now,
  );
}

export function dropHeld(sql: SqlStorage, stream: string, seq: number): void {
  sql.exec("DELETE FROM order_held WHERE stream = ? AND seq = ?", stream, seq);
}

export function retryHeldAt(sql: SqlStorage, stream: string, seq: number, at: number): void {
  sql.exec("UPDATE order_held SET retry_at = ? WHERE stream = ? AND seq = ?", at, stream, seq);
}

/** Streams whose next event is held, with when it may run (for the alarm). */
export function releasableStreams(sql: SqlStorage): { stream: string; at: number }[] {
  return sql
    .exec<{ stream: string; at: number }>(
      "SELECT h.stream, h.retry_at AS at FROM order_held h LEFT JOIN order_streams s ON s.stream = h.stream WHERE h.seq = COALESCE(s.next_seq, 1)",
    )
    .toArray();
}

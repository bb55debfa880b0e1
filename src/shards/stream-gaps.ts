/**
 * Gaps in ordered streams (at the subscriber shard). A stream waits on a gap when its next sequence
 * is not held while later ones are. Once its oldest held event is `timeoutMs` old the gap is
 * reported (the stuck-stream list) and the missing sequence asked of its producer again, every
 * `timeoutMs`; after `refetches` asks it becomes a dead letter and the stream moves past it. A
 * sequence the stream passed (skipped) is remembered 7 days, so its event, if it arrives after all
 * (a replayed dead letter), is still applied, once.
 */
export const ORDER_GAPS_SQL = `
  CREATE TABLE IF NOT EXISTS order_gaps (
    stream TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    refetches INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    event TEXT
  );
  CREATE TABLE IF NOT EXISTS order_skipped (stream TEXT NOT NULL, seq INTEGER NOT NULL, skipped_at INTEGER NOT NULL, PRIMARY KEY (stream, seq));`;

const SKIPPED_RETENTION_MS = 7 * 86_400_000;

/** A stream waiting on a missing sequence. */
export interface WaitingStream {
  readonly stream: string;
  readonly nextSeq: number;
  readonly held: number;
  readonly oldestHeldAt: number;
}

/** Its gap's re-fetch state. */
export interface Gap {
  readonly seq: number;
  readonly refetches: number;
  readonly nextAt: number;
  /** The missing event, if its producer still had it when asked (a replayable dead letter). */
  readonly event: unknown;
}

/** Streams whose next sequence is missing while a later event is held (skip marks alone hold nothing up). */
export function waitingStreams(sql: SqlStorage, stream: string | null = null): WaitingStream[] {
  return sql
    .exec<{ stream: string; next_seq: number; held: number; oldest: number }>(
      `SELECT h.stream, COALESCE(s.next_seq, 1) AS next_seq, COUNT(*) AS held, MIN(h.held_at) AS oldest
       FROM order_held h LEFT JOIN order_streams s ON s.stream = h.stream WHERE ?1 IS NULL OR h.stream = ?1
       GROUP BY h.stream HAVING SUM(h.seq = COALESCE(s.next_seq, 1)) = 0 AND SUM(h.envelope != 'null') > 0`,
      stream,
    )
    .toArray()
    .map((r) => ({ stream: r.stream, nextSeq: r.next_seq, held: r.held, oldestHeldAt: r.oldest }));
}

/** The original Queue message of the first event a stream holds (skip marks aside). */
export function firstHeldOriginal(sql: SqlStorage, stream: string): unknown {
  const row = sql.exec<{ original: string }>("SELECT original FROM order_held WHERE stream = ? AND envelope != 'null' ORDER BY seq LIMIT 1", stream).toArray()[0];
  return row ? (JSON.parse(row.original) as unknown) : null;
}

/** The gap of a stream at `seq` (a fresh one, due now, when the stream waits on another sequence). */
export function gapOf(sql: SqlStorage, stream: string, seq: number, now: number): Gap {
  const row = sql.exec<{ seq: number; refetches: number; next_at: number; event: string | null }>("SELECT seq, refetches, next_at, event FROM order_gaps WHERE stream = ?", stream).toArray()[0];
  if (row?.seq === seq) return { seq, refetches: row.refetches, nextAt: row.next_at, event: row.event === null ? null : (JSON.parse(row.event) as unknown) };
  sql.exec("INSERT INTO order_gaps (stream, seq, next_at) VALUES (?, ?, ?) ON CONFLICT (stream) DO UPDATE SET seq = excluded.seq, refetches = 0, next_at = excluded.next_at, event = NULL", stream, seq, now);
  return { seq, refetches: 0, nextAt: now, event: null };
}

export function recordRefetch(sql: SqlStorage, stream: string, nextAt: number, event: unknown): void {
  sql.exec("UPDATE order_gaps SET refetches = refetches + 1, next_at = ?, event = COALESCE(?, event) WHERE stream = ?", nextAt, event === null ? null : JSON.stringify(event), stream);
}

/** Streams whose recorded gap is no longer what they wait on (filled or passed): their stuck report must be cleared. */
export function closedGaps(sql: SqlStorage, stream: string | null = null): string[] {
  const gaps = sql.exec<{ stream: string; seq: number }>("SELECT stream, seq FROM order_gaps WHERE ?1 IS NULL OR stream = ?1", stream).toArray();
  if (gaps.length === 0) return []; // the common case, after every applied event: no gap was ever recorded
  const open = new Set(waitingStreams(sql, stream).map((w) => `${w.stream}#${w.nextSeq}`));
  return gaps.filter((g) => !open.has(`${g.stream}#${g.seq}`)).map((g) => g.stream);
}

/** Forgets a gap, once its stuck report is cleared. */
export function forgetGap(sql: SqlStorage, stream: string): void {
  sql.exec("DELETE FROM order_gaps WHERE stream = ?", stream);
}

/** Whether any ordered stream holds an event or has a gap: without either, nothing ordered needs the alarm. */
export const hasHeldOrGaps = (sql: SqlStorage): boolean => sql.exec("SELECT 1 FROM order_held UNION ALL SELECT 1 FROM order_gaps LIMIT 1").toArray().length > 0;

/**
 * The earliest moment a gap needs the alarm: its next ask, the gap timeout of a new one, or now for
 * a report to clear. Its caller asks {@link hasHeldOrGaps} first (without either, there is none).
 */
export function gapsNextDue(sql: SqlStorage, timeoutMs: number, now: number): number | null {
  if (closedGaps(sql).length > 0) return now;
  const waiting = waitingStreams(sql);
  if (waiting.length === 0) return null;
  const due = new Map(sql.exec<{ stream: string; next_at: number }>("SELECT stream, next_at FROM order_gaps").toArray().map((g) => [g.stream, g.next_at]));
  return Math.min(...waiting.map((w) => due.get(w.stream) ?? w.oldestHeldAt + timeoutMs));
}

export function markSkipped(sql: SqlStorage, stream: string, seq: number, now: number): void {
  sql.exec("INSERT INTO order_skipped (stream, seq, skipped_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", stream, seq, now);
  sql.exec("DELETE FROM order_skipped WHERE skipped_at < ?", now - SKIPPED_RETENTION_MS);
}

/** True when `seq` of `stream` was skipped and its event has not come since. */
export function wasSkipped(sql: SqlStorage, stream: string, seq: number): boolean {
  return sql.exec("SELECT 1 FROM order_skipped WHERE stream = ? AND seq = ?", stream, seq).toArray().length === 1;
}

/** Forgets a skip; call in the transaction that applies the late event, so it is applied once. */
export function unskip(sql: SqlStorage, stream: string, seq: number): void {
  sql.exec("DELETE FROM order_skipped WHERE stream = ? AND seq = ?", stream, seq);
}

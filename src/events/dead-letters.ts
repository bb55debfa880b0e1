import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { DeadLetter, EventMessage, StreamGap } from "../spec/index.ts";

/**
 * The dead-letter list (SQLite of the singleton `events-dlq`). The consumer records each failed
 * attempt per subscription; when the Queue gives up and moves an event to `events-dlq`, its
 * consumer turns the latest failures into dead letters, one per failing subscription.
 */
export const DEAD_LETTER_SQL = `
  CREATE TABLE IF NOT EXISTS event_failures (
    event_id TEXT NOT NULL,
    subscription TEXT NOT NULL,
    attempts INTEGER NOT NULL CHECK (attempts >= 1),
    first_failed_at INTEGER NOT NULL,
    last_failed_at INTEGER NOT NULL,
    error_message TEXT NOT NULL,
    error_code TEXT NOT NULL,
    PRIMARY KEY (event_id, subscription)
  );
  CREATE INDEX IF NOT EXISTS event_failures_last ON event_failures (last_failed_at);
  CREATE TABLE IF NOT EXISTS dead_letters (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    event TEXT NOT NULL,
    subscription TEXT,
    error_message TEXT NOT NULL,
    error_code TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    first_failed_at INTEGER NOT NULL,
    last_failed_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS dead_letters_created ON dead_letters (created_at, id);`;

/** Gap dead letters say where the stream was (`gap`, JSON). */
export const DEAD_LETTER_GAPS_SQL = "ALTER TABLE dead_letters ADD COLUMN gap TEXT;";

/** Failure records older than 7 days are pruned as new ones arrive. */
const FAILURE_RETENTION_MS = 7 * 24 * 3_600_000;

export interface Failure {
  readonly subscription: string;
  readonly message: string;
  readonly code: string;
}

export function recordFailures(sql: SqlStorage, eventId: string, failures: readonly Failure[], attempt: number, now: number): void {
  for (const f of failures) {
    sql.exec(
      `INSERT INTO event_failures (event_id, subscription, attempts, first_failed_at, last_failed_at, error_message, error_code) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (event_id, subscription) DO UPDATE SET attempts = MAX(attempts, excluded.attempts), last_failed_at = excluded.last_failed_at, error_message = excluded.error_message, error_code = excluded.error_code`,
      eventId, f.subscription, attempt, now, now, f.message.slice(0, 2000), f.code,
    );
  }
  sql.exec("DELETE FROM event_failures WHERE last_failed_at < ?", now - FAILURE_RETENTION_MS);
}

type DeadFailure = { subscription: string | null; message: string; code: string; attempts: number; first: number; last: number; gap?: StreamGap };

function insertDead(sql: SqlStorage, event: EventMessage | { eventId: string; type: string } | null, f: DeadFailure, now: number, known = event ?? { eventId: "", type: "" }): void {
  const id = f.subscription === null ? known.eventId : `${known.eventId}:${f.subscription}`;
  sql.exec(
    `INSERT INTO dead_letters (id, event_id, type, event, subscription, error_message, error_code, attempts, first_failed_at, last_failed_at, created_at, gap) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET attempts = excluded.attempts, error_message = excluded.error_message, error_code = excluded.error_code, last_failed_at = excluded.last_failed_at, gap = COALESCE(excluded.gap, gap)`,
    id, known.eventId, known.type, JSON.stringify(event), f.subscription, f.message, f.code, f.attempts, f.first, f.last, now, f.gap ? JSON.stringify(f.gap) : null,
  );
}

/** What a stream's given-up gap leaves: where, and the event if its producer still had it. */
export interface GapDeadLetter extends StreamGap {
  readonly type: string;
  readonly subscription: string | null;
  readonly event: EventMessage | null;
}

/**
 * A sequence an ordered stream gave up after its re-fetches: a dead letter with `gap`. With the
 * event known it shares the id of that event's delivery dead letter (replayable); unknown, its id is
 * `gap:<hash of the stream>:<sequence>` and it has nothing to replay.
 */
export function storeGap(sql: SqlStorage, gap: GapDeadLetter, refetches: number, now: number): void {
  const { type, subscription, event, ...where } = gap;
  const known = event ?? { eventId: `gap:${bytesToHex(sha256(new TextEncoder().encode(where.stream))).slice(0, 16)}:${where.sequence}`, type };
  const message = `stream ${where.stream} waited on sequence ${where.sequence}, asked its producer ${refetches} times, and moved past it`;
  insertDead(sql, event, { subscription: event ? subscription : null, message, code: "gap", attempts: refetches, first: now, last: now, gap: where }, now, known);
}

/** An event the Queue gave up on: one dead letter per subscription whose latest attempt failed. */
export function storeDead(sql: SqlStorage, event: EventMessage, attempts: number, now: number): number {
  const failures = sql.exec<{ subscription: string; attempts: number; first_failed_at: number; last_failed_at: number; error_message: string; error_code: string }>(
    "SELECT * FROM event_failures WHERE event_id = ? AND attempts = (SELECT MAX(attempts) FROM event_failures WHERE event_id = ?)", event.eventId, event.eventId,
  ).toArray().filter((f) => event.subscription === undefined || f.subscription === event.subscription);
  if (failures.length === 0) insertDead(sql, event, { subscription: event.subscription ?? null, message: "delivery retries exhausted", code: "retries_exhausted", attempts, first: now, last: now }, now);
  for (const f of failures) insertDead(sql, event, { subscription: f.subscription, message: f.error_message, code: f.error_code, attempts: Math.max(attempts, f.attempts), first: f.first_failed_at, last: f.last_failed_at }, now);
  sql.exec("DELETE FROM event_failures WHERE event_id = ?", event.eventId);
  return Math.max(1, failures.length);
}

/** An event that can never be delivered (unknown type, invalid payload): dead at once, no retries. */
export function storeInvalid(sql: SqlStorage, raw: unknown, reason: string, now: number): void {
  const body = (raw ?? {}) as { eventId?: unknown; type?: unknown };
  const eventId = typeof body.eventId === "string" ? body.eventId : `invalid_${crypto.randomUUID()}`;
  const type = typeof body.type === "string" ? body.type : "unknown";
  insertDead(sql, { ...(raw as object), eventId, type }, { subscription: null, message: reason, code: "invalid_event", attempts: 1, first: now, last: now }, now);
}

/** An event the outbox relay gave up on: it never reached any subscriber, so one dead letter for all (`subscription: null`). */
export function storeUnrelayed(sql: SqlStorage, event: EventMessage, error: { message: string; code: string }, attempts: number, now: number): void {
  insertDead(sql, event, { subscription: null, message: error.message.slice(0, 2000), code: error.code, attempts, first: now, last: now }, now);
}

interface DeadRow extends Record<string, SqlStorageValue> {
  id: string; event: string; subscription: string | null; error_message: string; error_code: string; attempts: number; first_failed_at: number; last_failed_at: number; created_at: number; gap: string | null;
}

/** Why a letter is dead, from its code: the relay's own codes only count for letters of no subscription. */
function reasonOf(r: DeadRow): DeadLetter["reason"] {
  if (r.error_code === "gap") return "gap";
  if (r.error_code === "invalid_event") return "invalid";
  if (r.subscription !== null) return "failed";
  if (r.error_code === "unacknowledged") return "unacknowledged";
  return r.error_code === "relay_failed" || r.error_code === "payload_too_large" ? "unrelayed" : "failed";
}

const toDead = (r: DeadRow): DeadLetter => ({
  id: r.id, event: JSON.parse(r.event) as EventMessage | null, error: { message: r.error_message, code: r.error_code }, attempts: r.attempts, reason: reasonOf(r),
  firstFailedAt: new Date(r.first_failed_at).toISOString(), lastFailedAt: new Date(r.last_failed_at).toISOString(), subscription: r.subscription,
  gap: r.gap === null ? null : (JSON.parse(r.gap) as StreamGap),
});

export interface DeadFilter { readonly type?: string | undefined; readonly subscription?: string | undefined; readonly cursor?: string | undefined; readonly limit: number }

/** Dead letters oldest first; `cursor` is the last id of the previous page. */
export function listDead(sql: SqlStorage, filter: DeadFilter): { items: DeadLetter[]; nextCursor: string | null } {
  const after = filter.cursor === undefined ? null : sql.exec<{ created_at: number }>("SELECT created_at FROM dead_letters WHERE id = ?", filter.cursor).toArray()[0]?.created_at ?? null;
  const rows = sql.exec<DeadRow>(
    `SELECT * FROM dead_letters WHERE (?1 IS NULL OR type = ?1) AND (?2 IS NULL OR subscription = ?2)
       AND (?3 IS NULL OR created_at > ?3 OR (created_at = ?3 AND id > ?4)) ORDER BY created_at, id LIMIT ?5`,
    filter.type ?? null, filter.subscription ?? null, after, filter.cursor ?? null, filter.limit + 1,
  ).toArray();
  const items = rows.slice(0, filter.limit).map(toDead);
  return { items, nextCursor: rows.length > filter.limit ? (items.at(-1)?.id ?? null) : null };
}

export function getDead(sql: SqlStorage, id: string): DeadLetter | null {
  const row = sql.exec<DeadRow>("SELECT * FROM dead_letters WHERE id = ?", id).toArray()[0];
  return row ? toDead(row) : null;
}

export function deleteDead(sql: SqlStorage, id: string): boolean {
  return sql.exec("DELETE FROM dead_letters WHERE id = ? RETURNING id", id).toArray().length === 1;
}

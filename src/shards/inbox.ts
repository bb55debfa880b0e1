import type { EntityKey, Envelope, MessageId } from "../spec/index.ts";
import { findReply } from "./dedup.ts";

/**
 * The durable mailbox of `notify`: a message is accepted once its row is stored, then run by the
 * shard (at once, and from the alarm after an eviction). Running a row is a **work claim**: a
 * conditional UPDATE in the shard's single-threaded SQLite, so two claims of one row cannot both
 * win, with no row locks. A claimed row carries a lease; if its claimer dies (the object is
 * evicted mid-handler) the alarm at the lease's end claims it again (attempts + 1). The row is
 * deleted in the same transaction as the handler's effect, so a completed row is never re-run.
 */
export interface InboxRow {
  readonly seq: number;
  readonly key: EntityKey;
  readonly messageId: MessageId;
  readonly envelope: Envelope;
  readonly attempts: number;
}

/** Retries of a notify whose handler failed unexpectedly: up to 5 attempts, backoff 1 s doubling to 60 s. */
export const INBOX_MAX_ATTEMPTS = 5;

export function inboxRetryDelay(attempts: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** Stores a notify; a message id already applied or already waiting is a duplicate. */
export function enqueue(sql: SqlStorage, key: EntityKey, messageId: MessageId, envelope: Envelope, now: number): { duplicate: boolean } {
  if (findReply(sql, key, messageId).found) return { duplicate: true };
  // RETURNING, not rowsWritten: rowsWritten also counts index rows.
  const inserted = sql.exec(
    "INSERT INTO inbox (entity_key, message_id, envelope, status, available_at, enqueued_at) VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT (entity_key, message_id) DO NOTHING RETURNING seq",
    key, messageId, JSON.stringify(envelope), now, now,
  ).toArray();
  return { duplicate: inserted.length === 0 };
}

/** Messages accepted and not yet finished. */
export function waiting(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbox WHERE status IN ('pending', 'running')").one().n;
}

/** Unfinished rows of one key (its share of the mailbox). */
export function waitingFor(sql: SqlStorage, key: string): number {
  return sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM inbox WHERE entity_key = ? AND status IN ('pending', 'running')", key).one().n;
}

/**
 * The rows that may run now: for each key, only its oldest unfinished row (so a key's messages
 * run in the order they were accepted), when it is due or its lease has expired.
 */
export function runnable(sql: SqlStorage, now: number, limit: number): InboxRow[] {
  return sql
    .exec<{ seq: number; entity_key: string; message_id: string; envelope: string; attempts: number }>(
      `SELECT seq, entity_key, message_id, envelope, attempts FROM inbox i
       WHERE ((status = 'pending' AND available_at <= ?1) OR (status = 'running' AND lease_until <= ?1))
         AND NOT EXISTS (SELECT 1 FROM inbox j WHERE j.entity_key = i.entity_key AND j.seq < i.seq AND j.status IN ('pending', 'running'))
       ORDER BY seq LIMIT ?2`,
      now, limit,
    )
    .toArray()
    .map((r) => ({ seq: r.seq, key: r.entity_key as EntityKey, messageId: r.message_id as MessageId, envelope: JSON.parse(r.envelope) as Envelope, attempts: r.attempts }));
}

/** Claims a row for `leaseMs`; true for exactly one of any number of concurrent claimers. */
export function claim(sql: SqlStorage, seq: number, now: number, leaseMs: number): boolean {
  const claimed = sql.exec(
    `UPDATE inbox SET status = 'running', lease_until = ?2, attempts = attempts + 1
     WHERE seq = ?1 AND ((status = 'pending' AND available_at <= ?3) OR (status = 'running' AND lease_until <= ?3)) RETURNING seq`,
    seq, now + leaseMs, now,
  ).toArray();
  return claimed.length === 1;
}

/**
 * Deletes a finished row; call inside the handler's transaction. The attempt number is the
 * claim's fencing token: if the row was claimed again meanwhile (this claimer's lease expired),
 * it throws and the whole transaction, effect included, rolls back.
 */
export function complete(sql: SqlStorage, seq: number, attempt: number): void {
  const deleted = sql.exec("DELETE FROM inbox WHERE seq = ? AND attempts = ? RETURNING seq", seq, attempt).toArray();
  if (deleted.length !== 1) throw new Error(`inbox row ${seq} was claimed again after attempt ${attempt}; this result is discarded`);
}

/**
 * Schedules a retry at `retryAt`, or gives up (`failed`, kept for inspection) when it is null.
 * Fenced like `complete`: a stale attempt (its lease ran out and the row was claimed again) changes
 * nothing, so it cannot reset the newer attempt's claim. Answers whether it applied.
 */
export function release(sql: SqlStorage, seq: number, attempt: number, error: string, retryAt: number | null): boolean {
  const applied =
    retryAt === null
      ? sql.exec("UPDATE inbox SET status = 'failed', lease_until = NULL, last_error = ? WHERE seq = ? AND attempts = ? RETURNING seq", error, seq, attempt)
      : sql.exec("UPDATE inbox SET status = 'pending', lease_until = NULL, available_at = ?, last_error = ? WHERE seq = ? AND attempts = ? RETURNING seq", retryAt, error, seq, attempt);
  return applied.toArray().length === 1;
}


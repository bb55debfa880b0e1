import type { EventMessage } from "../spec/index.ts";
import { batches, jsonBytes, MAX_EVENT_MESSAGE_BYTES } from "../storage/event-size.ts";
import { outboxNextDue, SENT_RETENTION_MS, type OutboxRow } from "../storage/outbox.ts";
import { clock } from "../clock.ts";

/** Messages per `sendBatch` (the Queue's limit is 100 messages and 256 KB). */
const BATCH = 100;
const BATCH_BYTES = 200_000;
/** A row the Queue refuses this many times (about 4 minutes of backoff) moves to the event dead letters. */
export const MAX_RELAY_ATTEMPTS = 10;

export interface EventQueue {
  sendBatch(messages: Iterable<MessageSendRequest<EventMessage>>): Promise<unknown>;
}

/** Backoff of a failed relay: 1 s doubling to 60 s. */
export function relayBackoff(attempts: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** Sends of a row not acknowledged: the wait doubles from the ack timeout up to this (or the ack timeout, if longer), ±20 % jitter. */
const RESEND_MAX_MS = 600_000;
/** A row owed this long (6 days) is given up as a dead letter: past 7 days subscribers forget its id, and a late copy would apply twice. */
export const OWED_MAX_MS = 6 * 86_400_000;

/** The Queue message of a row. */
export function toMessage(row: OutboxRow, producer: string): EventMessage {
  return {
    eventId: row.event_id, type: row.type, version: row.version, payload: JSON.parse(row.payload) as unknown,
    scope: row.scope as EventMessage["scope"], delivery: row.delivery as EventMessage["delivery"], producer, emittedAt: row.created_at,
    ...(row.partition_key === null ? {} : { partitionKey: row.partition_key }),
    ...(row.sequence === null ? {} : { sequence: row.sequence }),
    ...(row.tenant_id === null ? {} : { tenantId: row.tenant_id as EventMessage["tenantId"] & string }),
  } as EventMessage;
}

/** A row ready to send: its message and that message's serialized size. */
interface Pending { readonly row: OutboxRow; readonly message: EventMessage; readonly bytes: number }

const chunks = (pending: readonly Pending[]): Pending[][] => batches(pending, (p) => p.bytes, BATCH, BATCH_BYTES);

/** Where the relay sends: the events Queue, and the event dead letters for rows it gives up on. */
export interface RelayTargets {
  readonly queue: EventQueue;
  /** How long a sent row waits for its acknowledgement before it is sent again (doubling per send, at most 10 min). */
  readonly ackTimeoutMs: number;
  /** Stores an event the relay gave up on as a dead letter (`subscription: null`). */
  readonly deadLetter: (event: EventMessage, error: { message: string; code: string }, attempts: number) => Promise<void>;
}

const send = (queue: EventQueue, batch: readonly Pending[]) => queue.sendBatch(batch.map((p) => ({ body: p.message, contentType: "json" as const })));
/** A sent row stays owed (a best-effort one excepted: it gets one send): its next send is due if no acknowledgement came by then. */
const markSent = (sql: SqlStorage, targets: RelayTargets, batch: readonly Pending[]) =>
  sql.exec(
    `UPDATE outbox SET sent_at = COALESCE(sent_at, ?1), sends = sends + 1, acked_at = CASE WHEN delivery = 'best-effort' THEN ?1 ELSE acked_at END,
       next_attempt_at = ?1 + CAST(MIN(MAX(?2, ?3), ?3 * (1 << MIN(sends, 20))) * (0.8 + (abs(random()) % 401) / 1000.0) AS INTEGER)
     WHERE seq IN (SELECT value FROM json_each(?4))`,
    clock.now(), RESEND_MAX_MS, targets.ackTimeoutMs, JSON.stringify(batch.map((p) => p.row.seq)),
  );

/** Moves a row to the dead letters (then out of the outbox); if the dead letters are unreachable, retries it later. */
async function bury(sql: SqlStorage, targets: RelayTargets, p: Pending, error: { message: string; code: string }, attempts: number): Promise<boolean> {
  try {
    await targets.deadLetter(p.message, error, attempts);
    sql.exec("DELETE FROM outbox WHERE seq = ?", p.row.seq);
    console.error(`event ${p.row.event_id} dead-lettered by the relay after ${attempts} attempt(s): ${error.message}`);
    return true;
  } catch (err) {
    sql.exec("UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE seq = ?", attempts, clock.now() + relayBackoff(attempts), `dead-lettering failed: ${String(err)}`.slice(0, 500), p.row.seq);
    return false;
  }
}

/** One failed send of a row: retried with backoff, or dead-lettered at its `MAX_RELAY_ATTEMPTS`th failure. */
async function failed(sql: SqlStorage, targets: RelayTargets, p: Pending, err: unknown): Promise<void> {
  const attempts = p.row.attempts + 1;
  const error = String(err).slice(0, 500);
  if (attempts >= MAX_RELAY_ATTEMPTS) {
    await bury(sql, targets, p, { message: `the events Queue refused the event ${attempts} times; last error: ${error}`, code: "relay_failed" }, attempts);
    return;
  }
  sql.exec("UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE seq = ?", attempts, clock.now() + relayBackoff(attempts), error, p.row.seq);
}

/**
 * Sends one batch. If a batch of several rows fails, its rows are sent one at a time, so one bad row
 * does not hold the others back. Returns how many rows were sent.
 */
async function sendChunk(sql: SqlStorage, targets: RelayTargets, batch: readonly Pending[]): Promise<number> {
  try {
    await send(targets.queue, batch);
    markSent(sql, targets, batch);
    return batch.length;
  } catch (err) {
    if (batch.length === 1 && batch[0]) return failed(sql, targets, batch[0], err).then(() => 0);
  }
  let sent = 0;
  for (const p of batch) {
    try {
      await send(targets.queue, [p]);
      markSent(sql, targets, [p]);
      sent++;
    } catch (err) {
      await failed(sql, targets, p, err);
    }
  }
  return sent;
}

/**
 * Sends the rows a commit just wrote (written as sent once: see `OutboxSend`), in batches, with no
 * read and no write of the outbox when all goes well. A batch the Queue refuses is handed to the
 * relay: its rows are due again after a backoff (a best-effort row owed again), one failed attempt
 * counted. Returns when the relay is next needed for them (null: all sent).
 */
export async function sendCommitted(sql: SqlStorage, targets: RelayTargets, producer: string, rows: readonly OutboxRow[]): Promise<number | null> {
  const pending = rows.map((row) => {
    const message = toMessage(row, producer);
    return { row, message, bytes: jsonBytes(message) };
  });
  let due: number | null = null;
  for (const batch of chunks(pending)) {
    try {
      await send(targets.queue, batch);
    } catch (err) {
      const at = clock.now() + relayBackoff(1);
      sql.exec("UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, acked_at = NULL WHERE seq IN (SELECT value FROM json_each(?))", String(err).slice(0, 500), at, JSON.stringify(batch.map((p) => p.row.seq)));
      due = Math.min(due ?? at, at);
    }
  }
  return due;
}

/**
 * Relays the owed outbox rows to the events Queue, oldest first, in batches: the rows never sent,
 * and those sent whose acknowledgement did not come within the ack timeout (sent again, the wait
 * doubling up to 10 minutes). A failing send keeps the row and schedules it again with backoff (a
 * failed batch is retried row by row). A row the Queue refuses `MAX_RELAY_ATTEMPTS` times, or whose
 * message is over `MAX_EVENT_MESSAGE_BYTES`, moves to the event dead letters. Every send of a row
 * carries the same event id. Prunes acknowledged rows past their retention and returns when the
 * outbox next needs the alarm.
 */
export async function relayOutbox(sql: SqlStorage, targets: RelayTargets, producer: string, now = clock.now()): Promise<{ sent: number; nextDue: number | null }> {
  let sent = 0;
  for (;;) {
    const rows = sql.exec<OutboxRow>("SELECT * FROM outbox WHERE acked_at IS NULL AND next_attempt_at <= ? ORDER BY seq LIMIT ?", now, BATCH).toArray();
    if (rows.length === 0) break;
    const pending: Pending[] = [];
    for (const row of rows) {
      const message = toMessage(row, producer);
      const bytes = jsonBytes(message);
      // Written before the emit-time check existed, or over it by the relay's own fields: it can never be sent.
      if (bytes > MAX_EVENT_MESSAGE_BYTES) await bury(sql, targets, { row, message, bytes }, { message: `the event is a ${bytes}-byte Queue message, over the ${MAX_EVENT_MESSAGE_BYTES}-byte limit`, code: "payload_too_large" }, row.attempts + 1);
      else if (row.sent_at !== null && row.sent_at < now - OWED_MAX_MS) await bury(sql, targets, { row, message, bytes }, { message: `sent ${row.sends} times over 6 days, never acknowledged by the consumer`, code: "unacknowledged" }, row.sends);
      else pending.push({ row, message, bytes });
    }
    let stalled = false;
    for (const batch of chunks(pending)) {
      const ok = await sendChunk(sql, targets, batch);
      sent += ok;
      // Not one row of the batch went out: the Queue is likely down; the rest waits for the next run.
      if (ok === 0) {
        stalled = true;
        break;
      }
    }
    if (stalled) break;
  }
  sql.exec("DELETE FROM outbox WHERE acked_at IS NOT NULL AND acked_at <= ?", now - SENT_RETENTION_MS);
  return { sent, nextDue: outboxNextDue(sql) };
}

import type { EventMessage } from "../spec";
import { outboxNextDue, SENT_RETENTION_MS } from "../storage/outbox";

/** Messages per `sendBatch` (the Queue's limit is 100 messages and 256 KB). */
const BATCH = 100;
const BATCH_BYTES = 200_000;

export interface EventQueue {
  sendBatch(messages: Iterable<MessageSendRequest<EventMessage>>): Promise<unknown>;
}

interface OutboxRow extends Record<string, SqlStorageValue> {
  seq: number; event_id: string; type: string; version: number; payload: string; scope: string; delivery: string;
  partition_key: string | null; sequence: number | null; tenant_id: string | null; created_at: number; attempts: number;
}

/** Backoff of a failed relay: 1 s doubling to 60 s. */
export function relayBackoff(attempts: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

function toMessage(row: OutboxRow, producer: string): EventMessage {
  return {
    eventId: row.event_id, type: row.type, version: row.version, payload: JSON.parse(row.payload) as unknown,
    scope: row.scope as EventMessage["scope"], delivery: row.delivery as EventMessage["delivery"], producer, emittedAt: row.created_at,
    ...(row.partition_key === null ? {} : { partitionKey: row.partition_key }),
    ...(row.sequence === null ? {} : { sequence: row.sequence }),
    ...(row.tenant_id === null ? {} : { tenantId: row.tenant_id as EventMessage["tenantId"] & string }),
  } as EventMessage;
}

function chunks(messages: EventMessage[]): EventMessage[][] {
  const out: EventMessage[][] = [];
  let current: EventMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = JSON.stringify(m).length;
    if (current.length > 0 && (current.length >= BATCH || bytes + size > BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Relays the outbox to the events Queue, oldest first, in batches. A row is marked sent only after
 * `sendBatch` resolves; a failing send keeps the row and schedules it again with backoff. Every
 * relay of a row carries the same event id. Returns when the outbox next needs the alarm.
 */
export async function relayOutbox(sql: SqlStorage, queue: EventQueue, producer: string, now = Date.now()): Promise<{ sent: number; nextDue: number | null }> {
  let sent = 0;
  for (;;) {
    const rows = sql.exec<OutboxRow>("SELECT * FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY seq LIMIT ?", now, BATCH).toArray();
    if (rows.length === 0) break;
    const bySeq = new Map(rows.map((r) => [r.event_id, r.seq]));
    let failed = false;
    for (const batch of chunks(rows.map((r) => toMessage(r, producer)))) {
      const seqs = batch.map((m) => bySeq.get(m.eventId) ?? -1);
      const marks = seqs.map(() => "?").join(",");
      try {
        await queue.sendBatch(batch.map((body) => ({ body, contentType: "json" as const })));
        sql.exec(`UPDATE outbox SET sent_at = ? WHERE seq IN (${marks})`, Date.now(), ...seqs);
        sent += batch.length;
      } catch (err) {
        const attempts = (rows.find((r) => r.seq === seqs[0])?.attempts ?? 0) + 1;
        sql.exec(`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE seq IN (${marks})`, Date.now() + relayBackoff(attempts), String(err).slice(0, 500), ...seqs);
        failed = true;
        break;
      }
    }
    if (failed) break;
  }
  sql.exec("DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at <= ?", now - SENT_RETENTION_MS);
  return { sent, nextDue: outboxNextDue(sql) };
}

/** True when the outbox holds rows not yet sent. */
export function hasUnsent(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 FROM outbox WHERE sent_at IS NULL LIMIT 1").toArray().length > 0;
}

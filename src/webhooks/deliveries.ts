import { AppError, type WebhookDelivery, type WebhookDeliveryId, type WebhookDeliveryPage, type WebhookDeliveryQuery, type WebhookEndpointId } from "../spec/index.ts";
import { randomId, type EndpointRow } from "./endpoints.ts";

/** A delivery row as stored. */
export interface DeliveryRow extends Record<string, SqlStorageValue> {
  seq: number;
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  body: string;
  status: string;
  attempts: number;
  round_failures: number;
  next_attempt_at: number | null;
  replay: number;
  created_at: number;
  finished_at: number | null;
}

interface AttemptRow extends Record<string, SqlStorageValue> {
  delivery_seq: number;
  attempt: number;
  at: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  next_retry_at: number | null;
  replay: number;
}

/** What an attempt produced, as `recordAttempt` stores it. */
export interface AttemptRecord {
  readonly at: number;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  /** The next attempt, or null: succeeded (no error) or dead (an error). */
  readonly nextRetryAt: number | null;
}

/** An event to enqueue: the body is fixed here, so every attempt sends the same bytes. */
export interface WebhookEvent {
  readonly eventId: string;
  readonly type: string;
  readonly body: string;
}

/** Deliveries claimed by a dispatcher run are leased this long (an evicted run's rows come back after it). */
export const CLAIM_LEASE_MS = 60_000;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Delivery storage of one tenant. */
export class DeliveryStore {
  constructor(private readonly sql: SqlStorage) {}

  /** One delivery per endpoint, deduplicated by `(endpoint, event id)` in the insert itself; answers how many are new. */
  enqueue(endpoints: readonly EndpointRow[], event: WebhookEvent, now: number): number {
    let created = 0;
    for (const endpoint of endpoints) {
      const cursor = this.sql.exec(
        "INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, body, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (endpoint_id, event_id) DO NOTHING",
        randomId("dlv_"), endpoint.id, event.eventId, event.type, event.body, now, now,
      );
      created += cursor.rowsWritten > 0 ? 1 : 0;
    }
    return created;
  }

  /** The earliest due time of a pending delivery of an enabled endpoint, or null. */
  nextDue(): number | null {
    return this.sql
      .exec<{ t: number | null }>("SELECT MIN(d.next_attempt_at) AS t FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.status = 'pending' AND e.disabled_reason IS NULL")
      .one().t;
  }

  /** Claims up to `limit` due deliveries of enabled endpoints, leasing them for `CLAIM_LEASE_MS`. */
  claimDue(now: number, limit: number): DeliveryRow[] {
    const rows = this.sql
      .exec<DeliveryRow>(
        "SELECT d.* FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND e.disabled_reason IS NULL ORDER BY d.next_attempt_at, d.seq LIMIT ?",
        now, limit,
      )
      .toArray();
    for (const row of rows) this.sql.exec("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE seq = ?", now + CLAIM_LEASE_MS, row.seq);
    return rows;
  }

  /** A delivery row by its sequence number, as stored now. */
  row(seq: number): DeliveryRow | undefined {
    return this.sql.exec<DeliveryRow>("SELECT * FROM webhook_deliveries WHERE seq = ?", seq).toArray()[0];
  }

  /** Puts a claimed delivery back without an attempt (rate limit), due at `at`. */
  postpone(seq: number, at: number): void {
    this.sql.exec("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE seq = ? AND status = 'pending'", at, seq);
  }

  /** Stores an attempt and moves the delivery on: succeeded, pending again at `nextRetryAt`, or dead (finished at `record.at`). */
  recordAttempt(row: DeliveryRow, record: AttemptRecord): void {
    const attempt = row.attempts + 1;
    const status = record.error === null ? "succeeded" : record.nextRetryAt === null ? "dead" : "pending";
    this.sql.exec(
      "INSERT INTO webhook_attempts (delivery_seq, attempt, at, status_code, latency_ms, error, next_retry_at, replay) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      row.seq, attempt, record.at, record.statusCode, record.latencyMs, record.error, record.nextRetryAt, row.replay,
    );
    this.sql.exec(
      "UPDATE webhook_deliveries SET status = ?, attempts = ?, round_failures = round_failures + ?, next_attempt_at = ?, finished_at = ? WHERE seq = ?",
      status, attempt, record.error === null ? 0 : 1, status === "pending" ? record.nextRetryAt : null, status === "pending" ? null : record.at, row.seq,
    );
  }

  /** Sends a delivery again now, with the same event id, on a fresh retry schedule (and, once finished, a fresh retention window). */
  replay(endpointId: string, deliveryId: string, now: number): void {
    const cursor = this.sql.exec("UPDATE webhook_deliveries SET status = 'pending', round_failures = 0, replay = 1, next_attempt_at = ?, finished_at = NULL WHERE id = ? AND endpoint_id = ?", now, deliveryId, endpointId);
    if (cursor.rowsWritten === 0) throw new AppError("not_found", `no delivery '${deliveryId}' for endpoint '${endpointId}'`);
  }

  /** Deliveries of an endpoint, newest first, with their attempts. */
  list(endpointId: string, query: WebhookDeliveryQuery): WebhookDeliveryPage {
    const before = query.cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(query.cursor);
    const rows = this.sql
      .exec<DeliveryRow>(
        "SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND seq < ? AND (? IS NULL OR status = ?) ORDER BY seq DESC LIMIT ?",
        endpointId, before, query.status ?? null, query.status ?? null, query.limit + 1,
      )
      .toArray();
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return { items: page.map((row) => this.view(row)), nextCursor: rows.length > query.limit && last ? String(last.seq) : null };
  }

  get(endpointId: string, deliveryId: string): WebhookDelivery {
    const row = this.sql.exec<DeliveryRow>("SELECT * FROM webhook_deliveries WHERE id = ? AND endpoint_id = ?", deliveryId, endpointId).toArray()[0];
    if (!row) throw new AppError("not_found", `no delivery '${deliveryId}' for endpoint '${endpointId}'`);
    return this.view(row);
  }

  private view(row: DeliveryRow): WebhookDelivery {
    const attempts = this.sql.exec<AttemptRow>("SELECT * FROM webhook_attempts WHERE delivery_seq = ? ORDER BY attempt", row.seq).toArray();
    return {
      id: row.id as WebhookDeliveryId,
      endpointId: row.endpoint_id as WebhookEndpointId,
      eventId: row.event_id,
      eventType: row.event_type,
      status: row.status as WebhookDelivery["status"],
      attempts: attempts.map((a) => ({ attempt: a.attempt, at: new Date(a.at).toISOString(), statusCode: a.status_code, latencyMs: a.latency_ms, error: a.error, nextRetryAt: iso(a.next_retry_at), replay: a.replay === 1 })),
      nextAttemptAt: row.status === "pending" ? iso(row.next_attempt_at) : null,
      createdAt: new Date(row.created_at).toISOString(),
    };
  }
}

import { STREAM_DEFAULTS } from "../spec/streams.ts";

/**
 * Event deliveries a gateway already made (`seen_events`), keyed `<subscription>:<eventId>`: a
 * Queue redelivery of a domain event bridged to a user or topic is recognised and not shown twice.
 * Recorded in the same transaction as the log append; kept 7 days, at most 100,000 per gateway.
 */
export class SeenEvents {
  constructor(private readonly sql: SqlStorage) {}

  /** True (and recorded) the first time `id` is seen here; false for a redelivery. */
  firstTime(id: string, now: number): boolean {
    return this.sql.exec("INSERT OR IGNORE INTO seen_events (id, at) VALUES (?, ?)", id, now).rowsWritten > 0;
  }

  prune(now: number): void {
    this.sql.exec("DELETE FROM seen_events WHERE at < ?", now - STREAM_DEFAULTS.seenEventsMs);
    const n = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM seen_events").one().n;
    if (n > STREAM_DEFAULTS.seenEventsMax) this.sql.exec("DELETE FROM seen_events WHERE id IN (SELECT id FROM seen_events ORDER BY at LIMIT ?)", n - STREAM_DEFAULTS.seenEventsMax);
  }
}

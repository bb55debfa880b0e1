import type { StuckStream } from "../spec/index.ts";

/**
 * The list of ordered streams waiting on a gap longer than the gap timeout, kept by the singleton
 * `events-dlq`: each subscriber shard reports a stream when its gap check finds it stuck (again at
 * each re-fetch) and clears it when the gap fills or is given up. One row per (shard, stream).
 */
export const STUCK_STREAMS_SQL = `
  CREATE TABLE IF NOT EXISTS stuck_streams (
    object TEXT NOT NULL,
    stream TEXT NOT NULL,
    next_seq INTEGER NOT NULL,
    held INTEGER NOT NULL,
    oldest_held_at INTEGER NOT NULL,
    refetches INTEGER NOT NULL,
    reported_at INTEGER NOT NULL,
    PRIMARY KEY (object, stream)
  );`;

/** A report from a subscriber shard. */
export interface StuckReport {
  readonly object: string;
  readonly stream: string;
  readonly nextSeq: number;
  readonly held: number;
  readonly oldestHeldAt: number;
  readonly refetches: number;
}

export function reportStuck(sql: SqlStorage, r: StuckReport, now: number): void {
  sql.exec(
    `INSERT INTO stuck_streams (object, stream, next_seq, held, oldest_held_at, refetches, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (object, stream) DO UPDATE SET next_seq = excluded.next_seq, held = excluded.held, oldest_held_at = excluded.oldest_held_at, refetches = excluded.refetches, reported_at = excluded.reported_at`,
    r.object, r.stream, r.nextSeq, r.held, r.oldestHeldAt, r.refetches, now,
  );
}

export function clearStuck(sql: SqlStorage, object: string, stream: string): void {
  sql.exec("DELETE FROM stuck_streams WHERE object = ? AND stream = ?", object, stream);
}

/** Stuck streams, oldest gap first (at most `limit`); `stream` narrows to one stream (on any shard). */
export function listStuck(sql: SqlStorage, now: number, limit: number, stream?: string): StuckStream[] {
  return sql
    .exec<{ object: string; stream: string; next_seq: number; held: number; oldest_held_at: number; refetches: number }>(
      "SELECT * FROM stuck_streams WHERE ?1 IS NULL OR stream = ?1 ORDER BY oldest_held_at LIMIT ?2",
      stream ?? null, limit,
    )
    .toArray()
    .map((r) => ({ stream: r.stream, object: r.object, nextSequence: r.next_seq, held: r.held, oldestHeldAgeMs: Math.max(0, now - r.oldest_held_at), refetches: r.refetches }));
}

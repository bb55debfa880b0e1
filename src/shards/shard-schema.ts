import type { Migration } from "../storage/migrations.ts";
import { OUTBOX_OWED_SQL, outboxMigration } from "../storage/outbox.ts";
import { ORDER_GAPS_SQL } from "./stream-gaps.ts";
import { jobsMigration } from "../jobs/job-schema.ts";
import { JOB_ATTEMPTS_SQL } from "../jobs/job-attempts.ts";

/**
 * The SQLite schema of a `ShardObject`. One shard object owns the entities of one entity type
 * whose keys hash to its shard. Tables: `shard_meta` (identity and shard count, checked on every
 * activation), `entities` (state per key), `dedup` (replies of messages with an id), `inbox`
 * (durable notify mailbox with claims and leases), `outbox` (events emitted by handlers),
 * `order_streams` / `order_held` / `order_gaps` / `order_skipped` (per-partition ordering of events
 * delivered to this shard, and its gaps), `jobs`
 * (the jobs of a `Jobs/<shard>` object; empty in entity shards).
 */
export const SHARD_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "entities, dedup, inbox",
    sql: `
      CREATE TABLE IF NOT EXISTS shard_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS entities (
        entity_key TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS dedup (
        entity_key TEXT NOT NULL,
        message_id TEXT NOT NULL,
        message TEXT NOT NULL,
        reply TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (entity_key, message_id)
      );
      CREATE INDEX IF NOT EXISTS dedup_expires ON dedup (expires_at);
      CREATE TABLE IF NOT EXISTS inbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        entity_key TEXT NOT NULL,
        message_id TEXT NOT NULL,
        envelope TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        available_at INTEGER NOT NULL,
        lease_until INTEGER,
        last_error TEXT,
        enqueued_at INTEGER NOT NULL,
        UNIQUE (entity_key, message_id)
      );
      CREATE INDEX IF NOT EXISTS inbox_status ON inbox (status, available_at);
    `,
  },
  outboxMigration(2),
  {
    version: 3,
    name: "ordered event streams",
    sql: `
      CREATE TABLE IF NOT EXISTS order_streams (stream TEXT PRIMARY KEY, next_seq INTEGER NOT NULL CHECK (next_seq >= 1));
      CREATE TABLE IF NOT EXISTS order_held (
        stream TEXT NOT NULL,
        seq INTEGER NOT NULL,
        entity_key TEXT NOT NULL,
        envelope TEXT NOT NULL,
        original TEXT NOT NULL,
        held_at INTEGER NOT NULL,
        retry_at INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (stream, seq)
      );
    `,
  },
  jobsMigration(4),
  { version: 5, name: "owed outbox rows, stream gaps", sql: `${OUTBOX_OWED_SQL} ${ORDER_GAPS_SQL}` },
  // Whether a row has an unfinished row of its key before it (`runnable`): one index step, where it
  // scanned the key's rows, so a key's backlog made every drain of its shard quadratic.
  { version: 6, name: "inbox rows by key", sql: "CREATE INDEX IF NOT EXISTS inbox_key_seq ON inbox (entity_key, seq);" },
  // Each job's attempts with how they ended (see job-attempts.ts).
  { version: 7, name: "job attempts", sql: JOB_ATTEMPTS_SQL },
];

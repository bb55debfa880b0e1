import type { Migration } from "../storage/migrations.ts";

/**
 * The webhook tables of a `TenantObject` (the tenant's own SQLite database). `webhook_endpoints`
 * (secrets included, never returned after creation), `webhook_deliveries` (one per endpoint and
 * event: the `UNIQUE (endpoint_id, event_id)` is the dedup) and `webhook_attempts` (every attempt).
 * Version 1 only; `WEBHOOK_RETENTION_MIGRATION` (version 3) follows the tenant tables.
 */
export const WEBHOOK_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "webhook endpoints, deliveries, attempts",
    sql: `
      CREATE TABLE IF NOT EXISTS webhook_endpoints (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        description TEXT,
        rate_limit INTEGER CHECK (rate_limit IS NULL OR rate_limit >= 1),
        secret TEXT NOT NULL,
        previous_secret TEXT,
        previous_secret_until INTEGER,
        disabled_reason TEXT CHECK (disabled_reason IS NULL OR disabled_reason IN ('manual', 'gone', 'failing')),
        failing_since INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS webhook_deliveries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        endpoint_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        round_failures INTEGER NOT NULL DEFAULT 0 CHECK (round_failures >= 0),
        next_attempt_at INTEGER,
        replay INTEGER NOT NULL DEFAULT 0 CHECK (replay IN (0, 1)),
        created_at INTEGER NOT NULL,
        UNIQUE (endpoint_id, event_id)
      );
      CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
      CREATE INDEX IF NOT EXISTS webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, status, seq);
      CREATE TABLE IF NOT EXISTS webhook_attempts (
        delivery_seq INTEGER NOT NULL,
        attempt INTEGER NOT NULL CHECK (attempt >= 1),
        at INTEGER NOT NULL,
        status_code INTEGER,
        latency_ms INTEGER NOT NULL,
        error TEXT,
        next_retry_at INTEGER,
        replay INTEGER NOT NULL CHECK (replay IN (0, 1)),
        PRIMARY KEY (delivery_seq, attempt)
      );
    `,
  },
];

/**
 * `finished_at` on deliveries: when a delivery succeeded or went dead (its last attempt), null while
 * pending; the retention clock (`src/webhooks/retention.ts`). Existing finished deliveries take their
 * last attempt's time. Listed after the tenant tables' version 2 in `TENANT_OBJECT_MIGRATIONS`.
 */
export const WEBHOOK_RETENTION_MIGRATION: Migration = {
  version: 3,
  name: "webhook delivery finished_at, for retention",
  sql: `
    ALTER TABLE webhook_deliveries ADD COLUMN finished_at INTEGER;
    UPDATE webhook_deliveries SET finished_at = COALESCE((SELECT MAX(a.at) FROM webhook_attempts a WHERE a.delivery_seq = webhook_deliveries.seq), created_at)
      WHERE status IN ('succeeded', 'dead');
    CREATE INDEX IF NOT EXISTS webhook_deliveries_finished ON webhook_deliveries (finished_at) WHERE finished_at IS NOT NULL;
  `,
};

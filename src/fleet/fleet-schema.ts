import type { Migration } from "../storage/migrations.ts";

/** The fleet object's tables: rollouts, and each rollout's tenants with their state. */
export const FLEET_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "rollouts and their tenants",
    sql: `
      CREATE TABLE IF NOT EXISTS rollouts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        idempotency_key TEXT UNIQUE,
        status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'halted', 'completed', 'cancelled')),
        spec TEXT NOT NULL,
        current_wave INTEGER NOT NULL DEFAULT 1,
        runs INTEGER NOT NULL DEFAULT 1,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        halted_at INTEGER,
        progress_at INTEGER NOT NULL,
        pause_until INTEGER
      );
      CREATE TABLE IF NOT EXISTS rollout_tenants (
        rollout_id TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        ord INTEGER NOT NULL,
        wave INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'ready', 'failed', 'skipped')),
        reason TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        claimed_run INTEGER,
        deployment_id TEXT,
        previous_checksum TEXT,
        error TEXT,
        finished_at INTEGER,
        PRIMARY KEY (rollout_id, tenant_id)
      );
      CREATE INDEX IF NOT EXISTS rollout_tenants_order ON rollout_tenants (rollout_id, ord);
      CREATE INDEX IF NOT EXISTS rollout_tenants_state ON rollout_tenants (rollout_id, state, ord);
      CREATE INDEX IF NOT EXISTS rollout_tenants_tenant ON rollout_tenants (tenant_id);
    `,
  },
];

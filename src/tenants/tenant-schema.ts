import type { Migration } from "../storage/migrations.ts";
import { WEBHOOK_MIGRATIONS, WEBHOOK_RETENTION_MIGRATION } from "../webhooks/webhook-schema.ts";

/**
 * Every migration of a `TenantObject`, in one ordered list sharing its `_migrations` table:
 * the webhook tables keep version 1; the tenant tables are version 2; webhook retention is 3. A new migration of either
 * module takes the next free number here, never one already used.
 */
export const TENANT_OBJECT_MIGRATIONS: readonly Migration[] = [
  ...WEBHOOK_MIGRATIONS,
  {
    version: 2,
    name: "tenant meta, provisioning, keys, metadata registry, deployments, apps, tenant registry",
    sql: `
      CREATE TABLE IF NOT EXISTS tenant_meta (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        body TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('provisioning', 'active', 'suspended', 'failed', 'destroying')),
        metadata_version INTEGER NOT NULL DEFAULT 0 CHECK (metadata_version >= 0)
      );
      CREATE TABLE IF NOT EXISTS tenant_provisioning (
        step TEXT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'skipped')),
        duration_ms REAL NOT NULL,
        seq INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS tenant_keys (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        scope TEXT NOT NULL CHECK (scope IN ('full-access', 'read-only')),
        name TEXT,
        prefix TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS tenant_metadata (
        kind TEXT NOT NULL CHECK (kind IN ('object', 'view', 'flow', 'permission')),
        name TEXT NOT NULL,
        owner TEXT NOT NULL,
        definition TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (kind, name)
      );
      CREATE TABLE IF NOT EXISTS tenant_deployments (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        applied INTEGER NOT NULL CHECK (applied IN (0, 1)),
        created_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS tenant_deployments_applied ON tenant_deployments (applied, created_at);
      CREATE TABLE IF NOT EXISTS tenant_apps (
        name TEXT PRIMARY KEY,
        version TEXT NOT NULL,
        label TEXT,
        objects TEXT NOT NULL,
        installed_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS tenant_registry (
        tenant_id TEXT PRIMARY KEY,
        body TEXT NOT NULL
      );
    `,
  },
  WEBHOOK_RETENTION_MIGRATION,
  {
    version: 4,
    name: "the steps of rollouts this tenant went through, with the bundle each replaced",
    sql: `
      CREATE TABLE IF NOT EXISTS tenant_rollouts (
        step TEXT PRIMARY KEY,
        rollout_id TEXT NOT NULL,
        outcome TEXT NOT NULL,
        owner TEXT NOT NULL,
        previous TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS tenant_rollouts_rollout ON tenant_rollouts (rollout_id, at);
    `,
  },
];

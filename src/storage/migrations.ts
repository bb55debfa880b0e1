import { clock } from "../clock.ts";

/**
 * Numbered, additive SQLite migrations for a Durable Object. Each object class lists its
 * migrations in order; `runMigrations` applies the ones not yet applied, each in its own
 * transaction, and records the version. Call it from the constructor under
 * `blockConcurrencyWhile` so no request sees a half-migrated schema.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export function runMigrations(storage: DurableObjectStorage, migrations: readonly Migration[]): void {
  const sql = storage.sql;
  sql.exec("CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  const applied = sql.exec<{ v: number | null }>("SELECT MAX(version) AS v FROM _migrations").one().v ?? 0;
  for (const migration of migrations) {
    if (migration.version <= applied) continue;
    storage.transactionSync(() => {
      sql.exec(migration.sql);
      sql.exec("INSERT INTO _migrations (version, name, applied_at) VALUES (?, ?, ?)", migration.version, migration.name, clock.now());
    });
  }
}

/** The stored state of one entity, with its version (incremented on every change). */
export interface StoredState {
  readonly state: unknown;
  readonly json: string;
  readonly version: number;
}

export function loadState(sql: SqlStorage, key: string): StoredState | null {
  const row = sql.exec<{ state: string; version: number }>("SELECT state, version FROM entities WHERE entity_key = ?", key).toArray()[0];
  return row ? { state: JSON.parse(row.state) as unknown, json: row.state, version: row.version } : null;
}

/**
 * What a message needs to read before it runs, in one statement: the reply stored for its id (a
 * redelivery), and the entity's state. Every statement costs, so a message reads once.
 */
export function loadForMessage(sql: SqlStorage, key: string, storedId: string): { reply: string | null; stored: StoredState | null } {
  const row = sql
    .exec<{ reply: string | null; state: string | null; version: number | null }>(
      "SELECT (SELECT reply FROM dedup WHERE entity_key = ?1 AND message_id = ?2) AS reply, e.state, e.version FROM (SELECT 1) LEFT JOIN entities e ON e.entity_key = ?1",
      key, storedId,
    )
    .one();
  return { reply: row.reply, stored: row.state === null || row.version === null ? null : { state: JSON.parse(row.state) as unknown, json: row.state, version: row.version } };
}

/**
 * Writes `next` when it differs from `before` (the stored JSON, or the initial state's for an
 * entity never written, so reading a new key creates no row); call inside the handler's transaction.
 */
export function saveState(sql: SqlStorage, key: string, next: unknown, before: string, now: number): void {
  const json = JSON.stringify(next);
  if (before === json) return;
  sql.exec(
    "INSERT INTO entities (entity_key, state, version, updated_at) VALUES (?, ?, 1, ?) ON CONFLICT (entity_key) DO UPDATE SET state = excluded.state, version = entities.version + 1, updated_at = excluded.updated_at",
    key, json, now,
  );
}

/** Every entity of the shard (for broadcast handlers). */
export function allStates(sql: SqlStorage): { key: string; state: unknown }[] {
  return sql.exec<{ entity_key: string; state: string }>("SELECT entity_key, state FROM entities ORDER BY entity_key").toArray().map((r) => ({ key: r.entity_key, state: JSON.parse(r.state) as unknown }));
}

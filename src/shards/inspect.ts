/** What the shard that owns an entity holds about it, for the inspector (`GET /v1/entities/{type}/{key}/_state`). */
export interface EntityInspection {
  /** The stored state as JSON text, or null before its first applied message. */
  readonly stateJson: string | null;
  /** 0 before its first applied message, then one more per message that changed it. */
  readonly version: number;
  readonly updatedAt: number | null;
  /** Replies kept for repeated message ids (the dedup window). */
  readonly dedupRecords: number;
  /** Inbox messages of this key: waiting, being applied, given up (kept for inspection). */
  readonly inbox: { readonly pending: number; readonly running: number; readonly failed: number };
  /** The last messages applied with an id, newest first: id, message name, when, until when their reply (the outcome, as JSON text) is kept. */
  readonly recent: readonly { readonly messageId: string; readonly message: string; readonly at: number; readonly expiresAt: number; readonly replyJson: string }[];
  /** The key's inbox messages given up after their attempts, newest first, with their last error. */
  readonly failed: readonly { readonly messageId: string; readonly message: string; readonly attempts: number; readonly error: string | null; readonly at: number }[];
}

/** Reads an entity's rows in its shard; writes nothing. */
export function inspectEntity(sql: SqlStorage, key: string, limit: number): EntityInspection {
  const row = sql.exec<{ state: string; version: number; updated_at: number }>("SELECT state, version, updated_at FROM entities WHERE entity_key = ?", key).toArray()[0];
  const counts = sql
    .exec<{ dedup: number; pending: number; running: number; failed: number }>(
      `SELECT (SELECT COUNT(*) FROM dedup WHERE entity_key = ?1) AS dedup,
              (SELECT COUNT(*) FROM inbox WHERE entity_key = ?1 AND status = 'pending') AS pending,
              (SELECT COUNT(*) FROM inbox WHERE entity_key = ?1 AND status = 'running') AS running,
              (SELECT COUNT(*) FROM inbox WHERE entity_key = ?1 AND status = 'failed') AS failed`,
      key,
    )
    .one();
  const recent = sql
    .exec<{ message_id: string; message: string; created_at: number; expires_at: number; reply: string }>("SELECT message_id, message, created_at, expires_at, reply FROM dedup WHERE entity_key = ? ORDER BY created_at DESC LIMIT ?", key, limit)
    .toArray()
    .map((r) => ({ messageId: r.message_id, message: r.message, at: r.created_at, expiresAt: r.expires_at, replyJson: r.reply }));
  const failed = counts.failed === 0 ? [] : sql
    .exec<{ message_id: string; message: string; attempts: number; last_error: string | null; enqueued_at: number }>("SELECT message_id, json_extract(envelope, '$.type') AS message, attempts, last_error, enqueued_at FROM inbox WHERE entity_key = ? AND status = 'failed' ORDER BY seq DESC LIMIT ?", key, limit)
    .toArray()
    .map((r) => ({ messageId: r.message_id, message: r.message, attempts: r.attempts, error: r.last_error, at: r.enqueued_at }));
  return {
    stateJson: row?.state ?? null,
    version: row?.version ?? 0,
    updatedAt: row?.updated_at ?? null,
    dedupRecords: counts.dedup,
    inbox: { pending: counts.pending, running: counts.running, failed: counts.failed },
    recent,
    failed,
  };
}

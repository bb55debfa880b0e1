import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/** Replies of messages with an id are kept this long (24 h) and then pruned by the shard's alarm. */
export const DEDUP_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Message ids longer than this are stored as `sha256:<hex>`. */
const MAX_STORED_ID = 64;

/** The stored form of a message id: itself, or its SHA-256 when long. */
export function storedMessageId(messageId: string): string {
  return messageId.length <= MAX_STORED_ID ? messageId : `sha256:${bytesToHex(sha256(new TextEncoder().encode(messageId)))}`;
}

/** The reply stored for `(key, messageId)`, if the message was applied within the retention window. */
export function findReply(sql: SqlStorage, key: string, messageId: string): { found: true; reply: unknown } | { found: false } {
  const row = sql.exec<{ reply: string }>("SELECT reply FROM dedup WHERE entity_key = ? AND message_id = ?", key, storedMessageId(messageId)).toArray()[0];
  return row ? { found: true, reply: JSON.parse(row.reply) as unknown } : { found: false };
}

/** Records the reply, kept `retentionMs` (default 24 h); call inside the handler's transaction. */
export function recordReply(sql: SqlStorage, key: string, messageId: string, message: string, reply: unknown, now: number, retentionMs = DEDUP_RETENTION_MS): void {
  sql.exec(
    "INSERT INTO dedup (entity_key, message_id, message, reply, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    key, storedMessageId(messageId), message, JSON.stringify(reply ?? null), now, now + retentionMs,
  );
}

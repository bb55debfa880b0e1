/**
 * When a shard's own tables next need its alarm: the earliest due notify or lease end, the next
 * dedup record to expire, and the next failed inbox row past its retention. Expired rows are
 * deleted first. One read when nothing has expired (the common case, after every notify and
 * drain); the deletes and a second read only when something has.
 */
type Due = { inbox: number | null; dedup: number | null; failed: number | null };

const DUE = `SELECT
  (SELECT MIN(CASE status WHEN 'pending' THEN available_at WHEN 'running' THEN lease_until END) FROM inbox WHERE status IN ('pending', 'running')) AS inbox,
  (SELECT MIN(expires_at) FROM dedup) AS dedup,
  (SELECT MIN(enqueued_at) FROM inbox WHERE status = 'failed') AS failed`;

/** Deletes what expired and returns the times the alarm must come by (nulls: nothing to wait for). */
export function shardNextDue(sql: SqlStorage, now: number, failedRetentionMs: number): (number | null)[] {
  let due = sql.exec<Due>(DUE).one();
  const repliesExpired = due.dedup !== null && due.dedup <= now;
  const failedExpired = due.failed !== null && due.failed + failedRetentionMs <= now;
  if (repliesExpired) sql.exec("DELETE FROM dedup WHERE expires_at <= ?", now);
  if (failedExpired) sql.exec("DELETE FROM inbox WHERE status = 'failed' AND enqueued_at <= ?", now - failedRetentionMs);
  if (repliesExpired || failedExpired) due = sql.exec<Due>(DUE).one();
  return [due.inbox, due.dedup, due.failed === null ? null : due.failed + failedRetentionMs];
}

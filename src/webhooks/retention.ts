/**
 * Retention of finished webhook deliveries. A delivery that succeeded or went dead is kept, with
 * every attempt, for `RETENTION_MS` after it finished (its last attempt), so dead ones stay
 * replayable for the whole window; then the dispatcher's alarm deletes it and its attempts, at
 * most `PRUNE_BATCH_ROWS` rows per alarm run. Pending deliveries are never pruned.
 */

/** How long a finished (succeeded or dead) delivery is kept after its last attempt: 30 days. */
export const RETENTION_MS = 30 * 86_400_000;

/** Rows (deliveries plus attempts) one alarm run deletes at most; the rest waits for the next run. */
export const PRUNE_BATCH_ROWS = 1_000;

/** Finished-delivery pruning over one tenant's SQLite; call it inside a transaction. */
export class DeliveryRetention {
  constructor(private readonly sql: SqlStorage, private readonly retentionMs = RETENTION_MS) {}

  /** When the oldest finished delivery expires, or null when none is finished. */
  nextPruneAt(): number | null {
    const oldest = this.sql.exec<{ t: number | null }>("SELECT MIN(finished_at) AS t FROM webhook_deliveries WHERE finished_at IS NOT NULL").one().t;
    return oldest === null ? null : oldest + this.retentionMs;
  }

  /**
   * Deletes deliveries finished at or before `now - retentionMs`, oldest first, with their attempts,
   * stopping before `budget` rows are exceeded; answers the rows deleted. A delivery is deleted
   * whole (attempts and row together) unless it alone exceeds the budget: then its oldest attempts go
   * first and the row follows in a later run.
   */
  prune(now: number, budget = PRUNE_BATCH_ROWS): number {
    const rows = this.sql
      .exec<{ seq: number }>("SELECT seq FROM webhook_deliveries WHERE finished_at <= ? ORDER BY finished_at, seq LIMIT ?", now - this.retentionMs, budget)
      .toArray();
    let left = budget;
    for (const row of rows) {
      const attempts = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_attempts WHERE delivery_seq = ?", row.seq).one().n;
      if (attempts + 1 > left) {
        // Only a delivery larger than a whole batch is cut; any other waits for the next run, whole.
        if (left < budget) break;
        this.#deleteOldestAttempts(row.seq, left);
        return budget;
      }
      this.sql.exec("DELETE FROM webhook_attempts WHERE delivery_seq = ?", row.seq);
      this.sql.exec("DELETE FROM webhook_deliveries WHERE seq = ?", row.seq);
      left -= attempts + 1;
    }
    return budget - left;
  }

  #deleteOldestAttempts(seq: number, limit: number): void {
    this.sql.exec("DELETE FROM webhook_attempts WHERE delivery_seq = ? AND attempt IN (SELECT attempt FROM webhook_attempts WHERE delivery_seq = ? ORDER BY attempt LIMIT ?)", seq, seq, limit);
  }
}

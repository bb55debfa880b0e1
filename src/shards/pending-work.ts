/** What a shard still has to do now: events not yet acknowledged, inbox messages not yet applied, due jobs, held events. */
export interface PendingWork {
  /** Outbox rows due to be sent, or sent successfully and not yet acknowledged (a row whose sends all failed waits for its retry, that is for time to move). */
  readonly outbox: number;
  /** Inbox messages running, or waiting with their time come (a retry later waits for time to move; failed ones are kept for inspection). */
  readonly inbox: number;
  /** Jobs running, or waiting with their time come. */
  readonly jobs: number;
  /** Ordered events held for an earlier one of their stream. */
  readonly held: number;
}

/** Counts a shard's pending work at `now` (the test kit's `settled()` reads it). */
export function pendingWork(sql: SqlStorage, now: number): PendingWork {
  return sql
    .exec<{ outbox: number; inbox: number; jobs: number; held: number }>(
      `SELECT (SELECT COUNT(*) FROM outbox WHERE acked_at IS NULL AND (next_attempt_at <= ?1 OR sends > attempts)) AS outbox,
              (SELECT COUNT(*) FROM inbox WHERE status = 'running' OR (status = 'pending' AND available_at <= ?1)) AS inbox,
              (SELECT COUNT(*) FROM jobs WHERE status = 'running' OR (status IN ('pending', 'failed') AND run_at <= ?1)) AS jobs,
              (SELECT COUNT(*) FROM order_held) AS held`,
      now,
    )
    .one();
}

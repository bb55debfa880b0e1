/**
 * Which topics a gateway logs (`served_topics`): a topic is served from the moment a socket or an
 * SSE stream of this gateway follows it until `ms` after the last delivery that reached a live
 * follower (or the last join). A publish outside that window is not logged and takes no seq; it
 * moves the topic's `served_from` past the current seq, so a client that resumes from before it
 * gets a reset. A topic the gateway does not know has no coverage at all (reset on resume).
 */
export class ServedTopics {
  constructor(
    private readonly sql: SqlStorage,
    private readonly ms: number,
  ) {}

  /** The seq after which every message of the topic is logged, or `undefined` (unknown topic). */
  loggedFrom(key: string): number | undefined {
    return this.sql.exec<{ served_from: number }>("SELECT served_from FROM served_topics WHERE topic = ?", key).toArray()[0]?.served_from;
  }

  /** A follower joined (or a delivery reached one): served for `ms` more; a new topic is logged after `seq`. */
  touch(key: string, seq: number, now: number): void {
    this.sql.exec("INSERT INTO served_topics (topic, served_from, until_at) VALUES (?, ?, ?) ON CONFLICT (topic) DO UPDATE SET until_at = MAX(until_at, excluded.until_at)", key, seq, now + this.ms);
  }

  /**
   * Whether a message to the topic is logged. With live followers always (and the window is
   * extended); else only inside the window. A skip is recorded: `served_from` becomes `seq + 1`.
   */
  shouldLog(key: string, live: boolean, seq: number, now: number): boolean {
    if (live) {
      this.touch(key, seq, now);
      return true;
    }
    const row = this.sql.exec<{ until_at: number }>("SELECT until_at FROM served_topics WHERE topic = ?", key).toArray()[0];
    if (row === undefined) return false;
    if (row.until_at >= now) return true;
    this.sql.exec("UPDATE served_topics SET served_from = MAX(served_from, ?) WHERE topic = ?", seq + 1, key);
    return false;
  }

  /** Forgets topics idle for a day (an unknown topic resets every resume, which is the safe answer). */
  prune(now: number): void {
    this.sql.exec("DELETE FROM served_topics WHERE until_at < ?", now - 86_400_000);
  }
}

import { IN_JSON_LIST } from "../storage/sql-params.ts";

/** One logged message: its seq, its stream (`u:<user>` or `t:<topic key>`), its SSE event name and its push params (JSON). */
export interface LoggedMessage {
  readonly seq: number;
  readonly stream: string;
  readonly event: string;
  readonly params: string;
}

/** Bounds of the log: per stream at most `messages` rows, none older than `ms`. */
export interface LogBounds {
  readonly messages: number;
  readonly ms: number;
}

/** The log stream of a user's messages. */
export const userStream = (user: string): string => `u:${user}`;
/** The log stream of a topic (its stored key, tenant prefix included). */
export const topicStream = (key: string): string => `t:${key}`;

/**
 * The resume log of one gateway (STRM-01, WS-01), in its SQLite (`message_log`, `log_floors`,
 * `gateway_meta.age_floor`). Every message delivered to a user, and to a topic the gateway serves,
 * is appended under its seq; each stream keeps its last `messages` rows (the highest trimmed seq
 * becomes the stream's floor), and rows older than `ms` go (the highest such seq is the age floor).
 * A client behind a floor missed messages: it gets a reset, never a silent gap.
 */
export class MessageLog {
  readonly #counts = new Map<string, number>();

  constructor(
    private readonly sql: SqlStorage,
    readonly bounds: LogBounds,
  ) {}

  /** Appends one message and trims its stream to the count bound. Call inside the delivery's transaction. */
  append(message: LoggedMessage, at: number): void {
    this.sql.exec("INSERT INTO message_log (seq, stream, at, event, params) VALUES (?, ?, ?, ?, ?)", message.seq, message.stream, at, message.event, message.params);
    const count = (this.#counts.get(message.stream) ?? this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM message_log WHERE stream = ?", message.stream).one().n - 1) + 1;
    const excess = count - this.bounds.messages;
    if (excess > 0) {
      const cut = this.sql.exec<{ seq: number }>("SELECT seq FROM message_log WHERE stream = ? ORDER BY seq LIMIT 1 OFFSET ?", message.stream, excess - 1).one().seq;
      this.sql.exec("DELETE FROM message_log WHERE stream = ? AND seq <= ?", message.stream, cut);
      this.sql.exec("INSERT INTO log_floors (stream, floor) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET floor = MAX(floor, excluded.floor)", message.stream, cut);
    }
    this.#counts.set(message.stream, Math.min(count, this.bounds.messages));
  }

  /** Deletes every row older than the age bound and raises the age floor to the highest such seq. */
  pruneByAge(now: number): void {
    const cutoff = now - this.bounds.ms;
    const top = this.sql.exec<{ s: number | null }>("SELECT MAX(seq) AS s FROM message_log WHERE at < ?", cutoff).one().s;
    if (top === null) return;
    this.sql.exec("DELETE FROM message_log WHERE seq <= ?", top);
    this.sql.exec("INSERT INTO gateway_meta (k, v) VALUES ('age_floor', ?1) ON CONFLICT (k) DO UPDATE SET v = MAX(v, ?1)", top);
    // Floors at or below the age floor say nothing more than it does.
    this.sql.exec("DELETE FROM log_floors WHERE floor <= ?", top);
    this.#counts.clear();
  }

  /** The highest seq aged out of the log (0: none). */
  ageFloor(): number {
    return this.sql.exec<{ v: number }>("SELECT v FROM gateway_meta WHERE k = 'age_floor'").toArray()[0]?.v ?? 0;
  }

  /** The highest seq trimmed from a stream by the count bound (0: none). */
  floorOf(stream: string): number {
    return this.sql.exec<{ floor: number }>("SELECT floor FROM log_floors WHERE stream = ?", stream).toArray()[0]?.floor ?? 0;
  }

  /** The logged messages of `streams` after `after`, in seq order. */
  since(streams: readonly string[], after: number): LoggedMessage[] {
    if (streams.length === 0) return [];
    return this.sql.exec<{ seq: number; stream: string; event: string; params: string }>(`SELECT seq, stream, event, params FROM message_log WHERE stream ${IN_JSON_LIST} AND seq > ? ORDER BY seq`, JSON.stringify(streams), after).toArray();
  }

  /** Rows of a stream (tests, operators). */
  size(stream: string): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM message_log WHERE stream = ?", stream).one().n;
  }
}

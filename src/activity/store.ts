import type { ActivitySnapshot } from "../spec/index.ts";
import type { ActivityReport } from "./report.ts";

/** Width of one bucket of the activity series, and how far back the series reaches. */
export const BUCKET_MS = 10_000;
export const WINDOW_MS = 15 * 60_000;
const MINUTE_MS = 60_000;

/**
 * The `~activity` object's tables: counts per 10-second bucket (`m` messages by entity type, `e`
 * errors by code, `v` events by type), and each shard's last report (when, and its owed outbox rows).
 */
export const ACTIVITY_SQL = `
  CREATE TABLE IF NOT EXISTS activity (at INTEGER NOT NULL, kind TEXT NOT NULL, label TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (at, kind, label)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS activity_shards (shard TEXT PRIMARY KEY, type TEXT NOT NULL, seen_at INTEGER NOT NULL, owed INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;`;

const bucketOf = (t: number) => t - (t % BUCKET_MS);
const typeOf = (shard: string) => shard.slice(0, Math.max(0, shard.lastIndexOf("/"))) || shard;

/** Adds shards' reports to the current bucket; forgets buckets older than the window. */
export function recordReports(sql: SqlStorage, reports: readonly ActivityReport[], now: number): void {
  const at = bucketOf(now);
  const add = (kind: string, label: string, count: number) => {
    if (count > 0) sql.exec("INSERT INTO activity (at, kind, label, count) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count", at, kind, label, count);
  };
  for (const r of reports) {
    const type = typeOf(r.shard);
    add("m", type, r.messages);
    for (const [code, n] of Object.entries(r.errors)) add("e", code, n);
    for (const [event, n] of Object.entries(r.events)) add("v", event, n);
    sql.exec(
      "INSERT INTO activity_shards (shard, type, seen_at, owed) VALUES (?1, ?2, ?3, COALESCE(?4, 0)) ON CONFLICT DO UPDATE SET seen_at = ?3, owed = COALESCE(?4, owed)",
      r.shard, type, now, r.owed,
    );
  }
  sql.exec("DELETE FROM activity WHERE at < ?", at - WINDOW_MS);
  sql.exec("DELETE FROM activity_shards WHERE seen_at < ? AND owed = 0", now - 86_400_000);
}

/** The window's points, oldest first, from counts per bucket (zero where none). */
function seriesOf(byBucket: ReadonlyMap<number, { m: number; e: number }>, now: number): ActivitySnapshot["series"] {
  const last = bucketOf(now), series = [];
  for (let at = last - WINDOW_MS + BUCKET_MS; at <= last; at += BUCKET_MS) {
    const b = byBucket.get(at);
    series.push({ at, messagesPerSecond: (b?.m ?? 0) / (BUCKET_MS / 1000), errorsPerSecond: (b?.e ?? 0) / (BUCKET_MS / 1000) });
  }
  return series;
}

/** What a cluster whose shards never reported shows (the activity object is not created to say so). */
export function emptySnapshot(now: number): ActivitySnapshot {
  return { at: now, bucketMs: BUCKET_MS, series: seriesOf(new Map(), now), lastMinute: { messages: 0, errors: 0, activeShards: 0, byType: [], errorsByCode: [], events: [] }, outbox: { owed: 0, shards: 0 } };
}

/** The series of the last 15 minutes, the last minute's counts, and the outbox backlog. */
export function activitySnapshot(sql: SqlStorage, now: number): ActivitySnapshot {
  const last = bucketOf(now), first = last - WINDOW_MS + BUCKET_MS;
  const byBucket = new Map<number, { m: number; e: number }>();
  for (const row of sql.exec<{ at: number; kind: string; n: number }>("SELECT at, kind, SUM(count) AS n FROM activity WHERE at >= ? AND kind IN ('m', 'e') GROUP BY at, kind", first)) {
    const b = byBucket.get(row.at) ?? { m: 0, e: 0 };
    b[row.kind === "m" ? "m" : "e"] = row.n;
    byBucket.set(row.at, b);
  }
  const series = seriesOf(byBucket, now);
  const minute = sql.exec<{ kind: string; label: string; n: number }>("SELECT kind, label, SUM(count) AS n FROM activity WHERE at > ? GROUP BY kind, label ORDER BY n DESC, label", last - MINUTE_MS).toArray();
  const of = (kind: string) => minute.filter((r) => r.kind === kind);
  const [messages, errors, events] = [of("m"), of("e"), of("v")];
  const byType = new Map(messages.map((r) => [r.label, r.n]));
  const active = new Map(sql.exec<{ type: string; n: number }>("SELECT type, COUNT(*) AS n FROM activity_shards WHERE seen_at > ? GROUP BY type", now - MINUTE_MS).toArray().map((r) => [r.type, r.n]));
  const types = new Set([...byType.keys(), ...active.keys()]);
  const outbox = sql.exec<{ owed: number | null; shards: number }>("SELECT SUM(owed) AS owed, COUNT(*) AS shards FROM activity_shards WHERE owed > 0").one();
  return {
    at: now,
    bucketMs: BUCKET_MS,
    series,
    lastMinute: {
      messages: messages.reduce((s, r) => s + r.n, 0),
      errors: errors.reduce((s, r) => s + r.n, 0),
      activeShards: [...active.values()].reduce((s, n) => s + n, 0),
      byType: [...types].sort().map((type) => ({ type, messages: byType.get(type) ?? 0, activeShards: active.get(type) ?? 0 })),
      errorsByCode: errors.map((r) => ({ code: r.label, count: r.n })),
      events: events.map((r) => ({ type: r.label, count: r.n })),
    },
    outbox: { owed: outbox.owed ?? 0, shards: outbox.shards },
  };
}

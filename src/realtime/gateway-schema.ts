import type { Migration } from "../storage/migrations.ts";

/**
 * The SQLite schema of a `GatewayObject`: `gateway_meta` (the delivery sequence), `subscriptions`
 * (topics per connection, so subscriptions survive hibernation; the socket attachment holds only
 * identity) and `rpc_calls` (replies of recent calls per user, so a call retried after a reconnect
 * is answered from here and not run twice); from v2 the resume log (`message_log`, `log_floors`),
 * the topics it logs (`served_topics`) and the event deliveries it made (`seen_events`).
 */
export const GATEWAY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "sequence, subscriptions, remembered calls",
    sql: `
      CREATE TABLE IF NOT EXISTS gateway_meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS subscriptions (
        conn_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        user_id TEXT NOT NULL,
        PRIMARY KEY (conn_id, topic)
      );
      CREATE INDEX IF NOT EXISTS subscriptions_by_topic ON subscriptions (topic);
      CREATE TABLE IF NOT EXISTS rpc_calls (
        user_id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        response TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, call_id)
      );
      CREATE INDEX IF NOT EXISTS rpc_calls_by_age ON rpc_calls (created_at);
    `,
  },
  {
    version: 2,
    name: "resume log, served topics, seen event deliveries",
    sql: `
      CREATE TABLE IF NOT EXISTS message_log (
        seq INTEGER PRIMARY KEY,
        stream TEXT NOT NULL,
        at INTEGER NOT NULL,
        event TEXT NOT NULL,
        params TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS message_log_by_stream ON message_log (stream, seq);
      CREATE INDEX IF NOT EXISTS message_log_by_age ON message_log (at);
      CREATE TABLE IF NOT EXISTS log_floors (stream TEXT PRIMARY KEY, floor INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS served_topics (topic TEXT PRIMARY KEY, served_from INTEGER NOT NULL, until_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS seen_events (id TEXT PRIMARY KEY, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS seen_events_by_age ON seen_events (at);
    `,
  },
];

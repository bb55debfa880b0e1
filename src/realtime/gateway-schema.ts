import type { Migration } from "../storage/migrations";

/**
 * The SQLite schema of a `GatewayObject`: `gateway_meta` (the delivery sequence), `subscriptions`
 * (topics per connection, so subscriptions survive hibernation; the socket attachment holds only
 * identity) and `rpc_calls` (replies of recent calls per user, so a call retried after a reconnect
 * is answered from here and not run twice).
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
];

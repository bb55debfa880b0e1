import { DurableObject } from "cloudflare:workers";

/**
 * The raw platform baseline: a Durable Object RPC doing the SQLite work of an entity message with
 * an id that emits nothing (`Account.deposit`): look up the dedup row, read the state row, then
 * upsert the state and insert the dedup row in one transaction, over the shard's own table
 * definitions, with no router, envelope, mailbox or validation.
 */
export class BareObject extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS entities (entity_key TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 1), updated_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS dedup (entity_key TEXT NOT NULL, message_id TEXT NOT NULL, message TEXT NOT NULL, reply TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (entity_key, message_id));
      CREATE INDEX IF NOT EXISTS dedup_expires ON dedup (expires_at);
      CREATE TABLE IF NOT EXISTS inbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, entity_key TEXT NOT NULL, amount INTEGER NOT NULL, message_id TEXT NOT NULL)`);
  }

  deposit(key: string, amount: number, messageId: string): { balance: number } {
    const sql = this.ctx.storage.sql;
    const seen = sql.exec<{ reply: string }>("SELECT reply FROM dedup WHERE entity_key = ? AND message_id = ?", key, messageId).toArray()[0];
    if (seen) return JSON.parse(seen.reply) as { balance: number };
    const row = sql.exec<{ state: string }>("SELECT state FROM entities WHERE entity_key = ?", key).toArray()[0];
    const balance = (row ? (JSON.parse(row.state) as { balance: number }).balance : 0) + amount;
    const reply = JSON.stringify({ balance });
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      sql.exec("INSERT INTO entities VALUES (?, ?, 1, ?) ON CONFLICT (entity_key) DO UPDATE SET state = excluded.state, version = entities.version + 1, updated_at = excluded.updated_at", key, reply, now);
      sql.exec("INSERT INTO dedup VALUES (?, ?, 'deposit', ?, ?, ?)", key, messageId, reply, now, now + 24 * 60 * 60 * 1000);
    });
    return { balance };
  }

  /**
   * The hand-rolled notify: the message stored in an inbox row (the alarm set when the inbox was
   * empty); the alarm applies the rows in order as `deposit` does and deletes them.
   */
  async notify(key: string, amount: number, messageId: string): Promise<{ accepted: true }> {
    const sql = this.ctx.storage.sql;
    const idle = sql.exec("SELECT 1 FROM inbox LIMIT 1").toArray().length === 0;
    sql.exec("INSERT INTO inbox (entity_key, amount, message_id) VALUES (?, ?, ?)", key, amount, messageId);
    if (idle) await this.ctx.storage.setAlarm(Date.now());
    return { accepted: true };
  }

  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const rows = sql.exec<{ seq: number; entity_key: string; amount: number; message_id: string }>("SELECT * FROM inbox ORDER BY seq LIMIT 100").toArray();
    for (const row of rows) {
      this.deposit(row.entity_key, row.amount, row.message_id);
      sql.exec("DELETE FROM inbox WHERE seq = ?", row.seq);
    }
    if (rows.length === 100) await this.ctx.storage.setAlarm(Date.now());
  }

  balance(key: string): { balance: number } {
    const row = this.ctx.storage.sql.exec<{ state: string }>("SELECT state FROM entities WHERE entity_key = ?", key).toArray()[0];
    return { balance: row ? (JSON.parse(row.state) as { balance: number }).balance : 0 };
  }
}

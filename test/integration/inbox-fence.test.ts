import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { release } from "../../src/shards/inbox.ts";
import { freshKey, send, shardStub } from "./entity-helpers.ts";

describe("inbox fencing", () => {
  it("ignores a stale attempt's failure: the row claimed again keeps its newer claim", async () => {
    const key = freshKey("fence");
    await send("Counter", key, "get"); // the shard object exists and is migrated
    const outcome = await runInDurableObject(shardStub("Counter", key), (_i, state) => {
      const sql = state.storage.sql;
      const now = Date.now();
      // A row whose attempt 1 timed out and which attempt 2 has claimed.
      const { seq } = sql.exec<{ seq: number }>("INSERT INTO inbox (entity_key, message_id, envelope, status, attempts, available_at, lease_until, enqueued_at) VALUES (?, 'm-1', '{}', 'running', 2, ?, ?, ?) RETURNING seq", key, now, now + 60_000, now).one();
      const stale = release(sql, seq, 1, "late failure of attempt 1", now + 1000);
      const after = sql.exec<{ status: string; attempts: number; last_error: string | null }>("SELECT status, attempts, last_error FROM inbox WHERE seq = ?", seq).one();
      const current = release(sql, seq, 2, "attempt 2 failed", null);
      const final = sql.exec<{ status: string }>("SELECT status FROM inbox WHERE seq = ?", seq).one();
      sql.exec("DELETE FROM inbox WHERE seq = ?", seq);
      return { stale, after, current, final };
    });
    expect(outcome.stale).toBe(false);
    expect(outcome.after).toEqual({ status: "running", attempts: 2, last_error: null });
    expect(outcome.current).toBe(true);
    expect(outcome.final).toEqual({ status: "failed" });
  });
});

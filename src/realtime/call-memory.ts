import { REALTIME_LIMITS, type RpcResponse } from "../spec/index.ts";
import { clock } from "../clock.ts";

const PRUNE_EVERY = 100;

/**
 * Replies of recent calls per user (CLUS-style dedup for RPC): a call with a string id that was
 * already answered is answered again from SQLite and not run; one still running is joined. Kept
 * 10 minutes and at most 1,000 per user. Integer ids are per-connection by nature and never
 * remembered (two plain clients may both send id 1).
 */
export class CallMemory {
  readonly #running = new Map<string, Promise<RpcResponse>>();
  #inserts = 0;

  constructor(private readonly sql: SqlStorage) {}

  async once(user: string, callId: string, run: () => Promise<RpcResponse>): Promise<RpcResponse> {
    const slot = `${user}\u0000${callId}`;
    const running = this.#running.get(slot);
    if (running) return running;
    const stored = this.sql.exec<{ response: string }>("SELECT response FROM rpc_calls WHERE user_id = ? AND call_id = ? AND created_at > ?", user, callId, clock.now() - REALTIME_LIMITS.rememberedCallMs).toArray()[0];
    if (stored) return JSON.parse(stored.response) as RpcResponse;
    const pending = run().then((response) => {
      this.#remember(user, callId, response);
      return response;
    });
    this.#running.set(slot, pending);
    try {
      return await pending;
    } finally {
      this.#running.delete(slot);
    }
  }

  #remember(user: string, callId: string, response: RpcResponse): void {
    if ("error" in response && response.error.code === -32603) return; // an internal failure may be retried
    this.sql.exec("INSERT OR REPLACE INTO rpc_calls (user_id, call_id, response, created_at) VALUES (?, ?, ?, ?)", user, callId, JSON.stringify(response), clock.now());
    if (++this.#inserts % PRUNE_EVERY !== 0) return;
    this.sql.exec("DELETE FROM rpc_calls WHERE created_at <= ?", clock.now() - REALTIME_LIMITS.rememberedCallMs);
    this.sql.exec(
      "DELETE FROM rpc_calls WHERE user_id = ?1 AND call_id NOT IN (SELECT call_id FROM rpc_calls WHERE user_id = ?1 ORDER BY created_at DESC LIMIT ?2)",
      user,
      REALTIME_LIMITS.rememberedCallIds,
    );
  }
}

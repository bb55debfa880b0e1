import type { PushParams } from "../../spec/rpc.ts";
import type { ResetParams, ResumedParams } from "../../spec/streams.ts";

/**
 * Where a client is in its gateway's sequence (WS-01 resume). Every push carries the gateway's
 * `seq` (one gateway per user, so it only grows on one socket); the client remembers the last one
 * and sends it on reconnect (`?lastSeq=`), with its topics, so the gateway replays what it missed
 * before anything live. A push at or below the last seq is a duplicate and is dropped.
 */
export class ResumeState {
  #lastSeq: number | undefined;

  /** The last seq seen (`undefined` before the first `resumed` or push). */
  get lastSeq(): number | undefined {
    return this.#lastSeq;
  }

  /** Records a push; false when it is a duplicate (not newer than the last seq). */
  accept(push: PushParams): boolean {
    if (this.#lastSeq !== undefined && push.seq <= this.#lastSeq) return false;
    this.#lastSeq = push.seq;
    return true;
  }

  /** After a reset the client starts over from the gateway's current seq. */
  reset(params: ResetParams): void {
    this.#lastSeq = params.seq;
  }

  /** The gateway's seq after a replay: the baseline of a client that saw nothing yet. */
  resumed(params: ResumedParams): void {
    if (this.#lastSeq === undefined || params.seq > this.#lastSeq) this.#lastSeq = params.seq;
  }

  /** URL parameters of the next attempt: `lastSeq` (a seq, or `latest` on the first connect) and `topics`. */
  query(topics: readonly string[]): Record<string, string> {
    return { lastSeq: this.#lastSeq === undefined ? "latest" : String(this.#lastSeq), ...(topics.length > 0 ? { topics: topics.join(",") } : {}) };
  }
}

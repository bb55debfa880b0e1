import type { ResetParams } from "../spec/streams.ts";

/** What a gateway knows about one stream a client resumes: its log's floor and, for topics, since when it logs it. */
export interface StreamCoverage {
  /** Highest seq trimmed from this stream's log (0: none). A client behind it missed messages. */
  readonly floor: number;
  /**
   * The gateway seq from which every message of the stream is logged: 0 for a user (always
   * logged); for a topic, the seq after which it has been logged without a skip, `undefined` for
   * a topic this gateway does not know.
   */
  readonly loggedFrom: number | undefined;
}

/** Live only (no id given), replay what follows `after`, or reset (the client missed messages). */
export type ResumePlan = { readonly kind: "live" } | { readonly kind: "replay"; readonly after: number } | { readonly kind: "reset"; readonly reason: ResetParams["reason"] };

/**
 * Resume selection. Given the client's last seq, the gateway's current seq, the highest seq aged
 * out of the whole log (every row older than the age limit is gone, so everything at or below it
 * is gone), and each stream's coverage, replay after the last seq when the log holds everything
 * since; else reset. Conservative: a reset may come when nothing was missed (e.g. a client back
 * after more than the age limit), never a silent gap.
 */
export function planResume(lastSeq: number | undefined, currentSeq: number, ageFloor: number, streams: readonly StreamCoverage[]): ResumePlan {
  if (lastSeq === undefined) return { kind: "live" };
  if (lastSeq > currentSeq) return { kind: "reset", reason: "unknown_seq" };
  if (lastSeq < ageFloor) return { kind: "reset", reason: "trimmed" };
  for (const s of streams) {
    if (s.loggedFrom === undefined || s.loggedFrom > lastSeq) return { kind: "reset", reason: "not_logged" };
    if (s.floor > lastSeq) return { kind: "reset", reason: "trimmed" };
  }
  return { kind: "replay", after: lastSeq };
}

/**
 * Reads a client's last seq: `Last-Event-ID` (SSE), `lastEventId` or `lastSeq` (query). Empty or
 * malformed: `undefined` (a fresh start; EventSource sends an empty header before its first id).
 */
export function parseLastSeq(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

import { z } from "zod";

/**
 * The resume protocol of SSE streams and WebSockets (STRM-01, WS-01): every delivered message
 * carries its gateway's `seq`; a client that comes back with its last seen `seq` gets what it
 * missed from the gateway's bounded log, or a `reset` when the log no longer covers it.
 */

/** Defaults of the log, the SSE streams and the event dedup of each gateway (each also a variable). */
export const STREAM_DEFAULTS = {
  /** Messages kept per user and per topic a gateway serves (`REALTIME_LOG_MESSAGES`). */
  logMessages: 1_000,
  /** Age limit of a logged message, ms (`REALTIME_LOG_MS`): 10 minutes. */
  logMs: 600_000,
  /** Bytes an SSE client may have unread before it is closed with `overflow` (`SSE_BUFFER_BYTES`). */
  sseBufferBytes: 262_144,
  /** Interval of the `:` comment heartbeat, ms (`SSE_HEARTBEAT_MS`). */
  heartbeatMs: 15_000,
  /** The `retry:` hint sent at the start of every stream, ms. */
  retryMs: 2_000,
  /** Event deliveries remembered per gateway (by subscription and event id): 7 days, at most 100,000. */
  seenEventsMs: 7 * 24 * 3_600_000,
  seenEventsMax: 100_000,
} as const;

/** `Last-Event-ID` / `lastEventId` / `lastSeq`: a gateway sequence number. */
export const LastSeqSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe("The last gateway seq the client saw");

/** Sent first when the client's last seq is older than the log (or from another gateway): it missed messages. */
export const ResetParamsSchema = z
  .object({
    lastSeq: z.number().int().describe("The seq the client resumed from"),
    seq: z.number().int().describe("The gateway's current seq: resume from here next time"),
    reason: z.enum(["trimmed", "not_logged", "unknown_seq"]).describe("trimmed: older than the log; not_logged: a topic the gateway did not log meanwhile; unknown_seq: newer than the gateway's seq"),
  })
  .describe("Params of a reset notification (SSE: event: reset)");
export type ResetParams = z.infer<typeof ResetParamsSchema>;

/** Sent to a WebSocket that connected with `lastSeq`, after the replay and before any live message. */
export const ResumedParamsSchema = z
  .object({
    seq: z.number().int().describe("The gateway's seq after the replay: the client's new baseline"),
    replayed: z.number().int().describe("Messages replayed"),
  })
  .describe("Params of the resumed notification");
export type ResumedParams = z.infer<typeof ResumedParamsSchema>;

/** SSE event names besides the messages' own (`message`, or the domain event type). */
export const SSE_EVENTS = { message: "message", reset: "reset", overflow: "overflow", replaced: "replaced" } as const;

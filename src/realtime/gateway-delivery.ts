import { REALTIME_LIMITS, runtimeConfig, type Delivered, type PushParams } from "../spec/index.ts";
import { SSE_EVENTS, type ResetParams } from "../spec/streams.ts";
import { encodeFrame, type FrameProtocol } from "./codec.ts";
import { MessageLog, topicStream, type LoggedMessage } from "./message-log.ts";
import type { Outgoing } from "./realtime.ts";
import { planResume, type ResumePlan } from "./resume.ts";
import { SeenEvents } from "./seen-events.ts";
import { ServedTopics } from "./served-topics.ts";
import { encodeEvent } from "./sse-encoder.ts";
import { SseStreams } from "./sse-streams.ts";
import { identityOf } from "./topic-index.ts";
import type { ClusterEnv } from "../env.ts";
import { clock } from "../clock.ts";

const encoder = new TextEncoder();
const PRUNE_EVERY_MS = 10_000;

/** A log stream a client resumes, and its topic key when it is a topic. */
export interface ResumeStream {
  readonly stream: string;
  readonly topicKey?: string | undefined;
}

/** A resume plan with what to replay. */
export interface Resumption {
  readonly plan: ResumePlan;
  readonly reset?: ResetParams;
  readonly messages: readonly LoggedMessage[];
}

/**
 * The delivery path of one gateway: its `seq`, its resume log, the topics it serves, the event
 * deliveries it has seen, and its SSE streams. Every delivered message takes the next seq and is
 * appended to the log in one `transactionSync` with the dedup record (a redelivered event is
 * recognised there and goes nowhere), then it is encoded once per protocol and written to every
 * socket and SSE stream that follows it.
 */
export class GatewayDelivery {
  readonly log: MessageLog;
  readonly served: ServedTopics;
  readonly seen: SeenEvents;
  readonly sse: SseStreams;
  #seq: number;
  #prunedAt = 0;

  constructor(
    private readonly ctx: DurableObjectState,
    env: ClusterEnv,
  ) {
    const config = runtimeConfig(env);
    const sql = ctx.storage.sql;
    this.log = new MessageLog(sql, { messages: config.REALTIME_LOG_MESSAGES, ms: config.REALTIME_LOG_MS });
    this.served = new ServedTopics(sql, config.REALTIME_LOG_MS);
    this.seen = new SeenEvents(sql);
    this.sse = new SseStreams({ heartbeatMs: config.SSE_HEARTBEAT_MS, bufferBytes: config.SSE_BUFFER_BYTES, streamsPerUser: REALTIME_LIMITS.sseStreamsPerUser });
    this.#seq = sql.exec<{ v: number }>("SELECT v FROM gateway_meta WHERE k = 'seq'").toArray()[0]?.v ?? 0;
  }

  /** The last seq this gateway gave. */
  get seq(): number {
    return this.#seq;
  }

  /**
   * Delivers one message of `stream` to `sockets` and the SSE streams following it. A user's
   * message is always logged; a topic's (`topicKey` given) when the topic is served. A message
   * with a `dedupId` already seen here is a duplicate: nothing is logged or sent.
   */
  deliver(stream: string, sockets: readonly WebSocket[], message: Outgoing, topic?: { key: string; name: string }): Delivered {
    const now = clock.now();
    this.#prune(now);
    const live = sockets.length > 0 || this.sse.follows(stream);
    const storage = this.ctx.storage;
    const taken = storage.transactionSync((): PushParams | "duplicate" | undefined => {
      if (message.dedupId !== undefined && !this.seen.firstTime(message.dedupId, now)) return "duplicate";
      const logged = topic === undefined || this.served.shouldLog(topic.key, live, this.#seq, now);
      if (!logged && !live) return undefined;
      const seq = this.#seq + 1;
      storage.sql.exec("INSERT INTO gateway_meta (k, v) VALUES ('seq', ?1) ON CONFLICT (k) DO UPDATE SET v = ?1", seq);
      this.#seq = seq;
      const params = pushParams(message, seq, topic?.name);
      if (logged) this.log.append({ seq, stream, event: message.event ?? SSE_EVENTS.message, params: JSON.stringify(params) }, now);
      return params;
    });
    if (taken === "duplicate") return { delivered: 0, duplicate: true };
    if (taken === undefined) return { delivered: 0 };
    const json = JSON.stringify(taken);
    const delivered = fanOut(sockets, taken) + this.sse.deliver(stream, encoder.encode(encodeEvent({ id: taken.seq, event: message.event ?? SSE_EVENTS.message, data: json })));
    return { delivered, seq: taken.seq };
  }

  /**
   * What a client resuming from `lastSeq` gets on `streams`: the plan (live, replay or reset) and
   * the logged messages to replay, in seq order. Prunes first, so the age floor is current. Then
   * the topics count as served from now on (the client follows them).
   */
  resume(lastSeq: number | undefined, streams: readonly ResumeStream[]): Resumption {
    const now = clock.now();
    this.#prune(now, true);
    const coverage = streams.map((s) => ({ floor: this.log.floorOf(s.stream), loggedFrom: s.topicKey === undefined ? 0 : this.served.loggedFrom(s.topicKey) }));
    const plan = planResume(lastSeq, this.#seq, this.log.ageFloor(), coverage);
    for (const s of streams) if (s.topicKey !== undefined) this.served.touch(s.topicKey, this.#seq, now);
    if (plan.kind === "reset") return { plan, reset: { lastSeq: lastSeq ?? 0, seq: this.#seq, reason: plan.reason }, messages: [] };
    return { plan, messages: plan.kind === "replay" ? this.log.since(streams.map((s) => s.stream), plan.after) : [] };
  }

  /** Replays a resumption to a socket: a `reset` notification, or the missed pushes; then `resumed`. */
  replayTo(ws: WebSocket, resumption: Resumption): void {
    const { protocol } = identityOf(ws);
    const send = (value: unknown) => sendQuietly(ws, encodeFrame(value, protocol));
    if (resumption.reset) send({ jsonrpc: "2.0", method: "reset", params: resumption.reset });
    for (const m of resumption.messages) send({ jsonrpc: "2.0", method: "message", params: JSON.parse(m.params) as unknown });
    send({ jsonrpc: "2.0", method: "resumed", params: { seq: this.#seq, replayed: resumption.messages.length } });
  }

  /** Topic key of a log stream name, for resuming. */
  static topicOf(key: string): ResumeStream {
    return { stream: topicStream(key), topicKey: key };
  }

  /** Age-prunes the log (always before a resume, so its age floor is current); the rest every 10 s. */
  #prune(now: number, logOnly = false): void {
    if (logOnly) return this.log.pruneByAge(now);
    if (now - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = now;
    this.log.pruneByAge(now);
    this.served.prune(now);
    this.seen.prune(now);
  }
}

function pushParams(message: Outgoing, seq: number, topic: string | undefined): PushParams {
  return {
    ...(topic === undefined ? {} : { topic }),
    ...(message.from === undefined ? {} : { from: message.from }),
    ...(message.event === undefined ? {} : { event: message.event }),
    data: message.data,
    seq,
  };
}

/** Encodes the push once per protocol, then one `send` per socket; a socket that fails to take it is skipped. */
function fanOut(sockets: readonly WebSocket[], params: PushParams): number {
  const frames = new Map<FrameProtocol, string | Uint8Array>();
  let delivered = 0;
  for (const ws of sockets) {
    const { protocol } = identityOf(ws);
    let frame = frames.get(protocol);
    if (frame === undefined) frames.set(protocol, (frame = encodeFrame({ jsonrpc: "2.0", method: "message", params }, protocol)));
    if (sendQuietly(ws, frame)) delivered += 1;
  }
  return delivered;
}

function sendQuietly(ws: WebSocket, frame: string | Uint8Array): boolean {
  try {
    ws.send(frame);
    return true;
  } catch {
    return false; // closing or closed: the close handler forgets it
  }
}

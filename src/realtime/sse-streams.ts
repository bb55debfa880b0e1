import { SSE_EVENTS } from "../spec/streams.ts";
import { clock } from "../clock.ts";
import { encodeComment, encodeEvent, SSE_HEADERS } from "./sse-encoder.ts";

/** Knobs of the SSE streams of one gateway. */
export interface SseOptions {
  /** `:` comment interval, ms; a dead client is noticed on the first write after it left. */
  readonly heartbeatMs: number;
  /** Unread bytes a client may have before it is closed with `overflow`. */
  readonly bufferBytes: number;
  /** Open streams per user; a new one closes that user's oldest with `event: replaced`. */
  readonly streamsPerUser: number;
}

/** What an operator sees of one stream: the log streams it follows, its token's tenant, when it opened. */
export interface SseStreamView {
  readonly streams: readonly string[];
  readonly tenant: string | undefined;
  readonly connectedAt: number;
}

interface SseClient extends SseStreamView {
  readonly owner: string;
  readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  /** Bytes written and not yet taken by the runtime (the client's buffer). */
  pending: number;
  done: boolean;
  /** The writer's `closed`, observed (held, so it is not a floating promise). */
  watch?: Promise<void>;
  /** The last write, observed. */
  last?: Promise<void>;
}

const encoder = new TextEncoder();
/** How long a closed stream may wait for its client to drain the final notice before it is aborted. */
const ABORT_GRACE_MS = 30_000;

/**
 * The open SSE streams of one gateway, in memory (a stream is a live response: it keeps the object
 * awake, nothing to persist). Each client follows some log streams (`u:<user>`, `t:<topic>`); a
 * message is encoded once and written to each follower. Backpressure: bytes written but not yet
 * taken by the runtime count against `bufferBytes`; past it the client gets a final
 * `event: overflow`, its stream is closed, and if the client still does not read, aborted 30 s
 * (or two heartbeats) later, so a slow client costs at most its buffer, and only for that long. Cleanup: a client that left makes the
 * next write (at the latest the next heartbeat) reject, and is dropped then.
 */
export class SseStreams {
  readonly #byStream = new Map<string, Set<SseClient>>();
  readonly #clients = new Set<SseClient>();
  /** Each user's open streams, oldest first: memory per user is bounded (streamsPerUser × bufferBytes). */
  readonly #byOwner = new Map<string, SseClient[]>();
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Clients closed because their buffer was full, since the object woke (tests, operators). */
  overflows = 0;

  constructor(private readonly options: SseOptions) {}

  /** Open streams. */
  get size(): number {
    return this.#clients.size;
  }

  /**
   * Opens a stream following `streams`, writes `preface` (retry hint, reset or replay) first, then
   * live messages. `signal` (the request's) drops the client as soon as the runtime reports it gone.
   */
  open(owner: string, streams: readonly string[], preface: readonly string[], signal?: AbortSignal, tenant?: string): Response {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const client: SseClient = { owner, streams, tenant, connectedAt: clock.now(), writer: writable.getWriter(), pending: 0, done: false };
    this.#clients.add(client);
    const mine = [...(this.#byOwner.get(owner) ?? []), client];
    this.#byOwner.set(owner, mine);
    for (const old of mine.slice(0, Math.max(0, mine.length - this.options.streamsPerUser))) {
      this.#end(old, encodeEvent({ event: SSE_EVENTS.replaced, data: JSON.stringify({ reason: `more than ${this.options.streamsPerUser} streams for this user` }) }));
    }
    for (const s of streams) {
      let set = this.#byStream.get(s);
      if (!set) this.#byStream.set(s, (set = new Set()));
      set.add(client);
    }
    client.watch = client.writer.closed.then(() => this.#drop(client), () => this.#drop(client));
    signal?.addEventListener("abort", () => this.#end(client, undefined));
    for (const text of preface) this.#write(client, encoder.encode(text));
    this.#arm();
    return new Response(readable, { headers: SSE_HEADERS });
  }

  /** A user's open streams, oldest first. */
  of(owner: string): SseStreamView[] {
    return (this.#byOwner.get(owner) ?? []).map(({ streams, tenant, connectedAt }) => ({ streams, tenant, connectedAt }));
  }

  /** Writes an encoded event to every client following `stream`; returns how many took it. */
  deliver(stream: string, chunk: Uint8Array): number {
    const set = this.#byStream.get(stream);
    if (!set) return 0;
    let n = 0;
    for (const client of [...set]) if (this.#write(client, chunk)) n += 1;
    return n;
  }

  /** Whether any client follows `stream`. */
  follows(stream: string): boolean {
    return (this.#byStream.get(stream)?.size ?? 0) > 0;
  }

  /** Writes a heartbeat comment to every client (the interval does this; tests may call it). */
  heartbeat(): void {
    const chunk = encoder.encode(encodeComment());
    for (const client of [...this.#clients]) this.#write(client, chunk);
  }

  #write(client: SseClient, chunk: Uint8Array): boolean {
    if (client.done) return false;
    if (client.pending + chunk.byteLength > this.options.bufferBytes) {
      this.overflows += 1;
      this.#end(client, encodeEvent({ event: SSE_EVENTS.overflow, data: JSON.stringify({ reason: "buffer full", limitBytes: this.options.bufferBytes }) }));
      return false;
    }
    client.pending += chunk.byteLength;
    client.last = client.writer.write(chunk).then(
      () => void (client.pending -= chunk.byteLength),
      () => this.#drop(client),
    );
    return true;
  }

  /** Ends a client's stream: a final notice if given, close, and abort if it is still not drained after the grace. */
  #end(client: SseClient, notice: string | undefined): void {
    if (client.done) return;
    this.#drop(client);
    const { writer } = client;
    const closing = (notice === undefined ? Promise.resolve() : writer.write(encoder.encode(notice))).then(() => writer.close());
    // A client that reads late still gets the notice; one that never reads is cut off after the grace.
    const abort = setTimeout(() => {
      writer.abort("not drained").catch(() => undefined);
    }, Math.max(2 * this.options.heartbeatMs, ABORT_GRACE_MS));
    client.last = closing.then(
      () => clearTimeout(abort),
      () => clearTimeout(abort),
    );
  }

  #drop(client: SseClient): void {
    if (client.done) return;
    client.done = true;
    this.#clients.delete(client);
    const mine = this.#byOwner.get(client.owner)?.filter((c) => c !== client) ?? [];
    if (mine.length) this.#byOwner.set(client.owner, mine);
    else this.#byOwner.delete(client.owner);
    for (const s of client.streams) {
      const set = this.#byStream.get(s);
      set?.delete(client);
      if (set?.size === 0) this.#byStream.delete(s);
    }
    if (this.#clients.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #arm(): void {
    if (this.#timer === undefined) this.#timer = setInterval(() => this.heartbeat(), this.options.heartbeatMs);
  }
}

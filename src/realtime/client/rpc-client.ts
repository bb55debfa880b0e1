import { type z } from "zod";
import { type RpcRequest } from "../../spec/rpc.ts";
import { ResetParamsSchema, ResumedParamsSchema } from "../../spec/streams.ts";
import type { CallOptions, ClientEvents, ClientState, RpcParams } from "./client-events.ts";
import { Connection, type CloseInfo } from "./connection.ts";
import { Emitter } from "./emitter.ts";
import { BufferOverflowError, ConnectionClosedError, InvalidResultError, ProtocolError, RpcError, RpcTimeoutError } from "./errors.ts";
import { readFrame } from "./frames.ts";
import { OfflineBuffer, type BufferedFrame } from "./offline-buffer.ts";
import { resolveOptions, type ClientOptions, type ResolvedOptions } from "./options.ts";
import { PendingCalls } from "./pending-calls.ts";
import { ResumeState } from "./resume-state.ts";

export type { CallOptions, ClientEvents, ClientState, OpenInfo, RpcParams } from "./client-events.ts";

/**
 * JSON-RPC over a self-healing socket: calls, notifications, the offline buffer and events.
 * Guarantees: every call settles exactly once; frames written while offline leave in order on the
 * next open, after the hook `reopened`; a full buffer rejects the call and emits "error".
 */
export class RpcClient {
  /** The prefix of this client's request ids. */
  readonly clientId: string;
  protected readonly options: ResolvedOptions;
  private readonly events = new Emitter<ClientEvents>();
  private readonly pending = new PendingCalls();
  private readonly buffer: OfflineBuffer;
  private readonly connection: Connection;
  private readonly resume = new ResumeState();
  private counter = 0;
  private opens = 0;
  private done = false;

  constructor(options: ClientOptions) {
    this.options = resolveOptions(options);
    this.clientId = this.options.clientId;
    this.buffer = new OfflineBuffer(this.options.bufferSize);
    this.connection = new Connection(this.options, {
      open: () => this.opened(),
      frame: (data) => this.received(data),
      close: (info) => this.socketClosed(info),
      reconnecting: (info) => this.events.emit("reconnecting", info),
      error: (error) => this.events.emit("error", error),
    }, () => this.resume.query(this.resumeTopics()));
    this.connection.start();
  }

  /** The connection state. */
  get state(): ClientState {
    return this.done ? "closed" : this.connection.isOpen ? "open" : "connecting";
  }

  /** Frames waiting in the offline buffer. */
  get buffered(): number {
    return this.buffer.size;
  }

  /** Adds an event listener; returns the function that removes it. */
  on<K extends keyof ClientEvents>(event: K, listener: (payload: ClientEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /**
   * Calls `method`. Resolves with the result, unchecked (`R` is the caller's claim: use
   * `callValidated` to check it). Rejects with `RpcError`, `RpcTimeoutError`, `ConnectionClosedError`
   * (socket closed while in flight, or client closed) or `BufferOverflowError`. Sent now when open,
   * else buffered until the next open.
   */
  call<R = unknown>(method: string, params?: RpcParams, options: CallOptions = {}): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.request(method, params, options, (result) => resolve(result as R), reject);
    });
  }

  /** Like `call`, then parses the result with `schema`; a mismatch rejects with `InvalidResultError`. */
  async callValidated<S extends z.ZodType>(schema: S, method: string, params?: RpcParams, options?: CallOptions): Promise<z.output<S>> {
    const result = await this.call(method, params, options);
    const parsed = schema.safeParse(result);
    if (!parsed.success) throw new InvalidResultError(method, parsed.error.issues);
    return parsed.data;
  }

  /** Sends a notification (no response). False when the client is closed or the buffer overflowed ("error" fired). */
  notify(method: string, params?: RpcParams): boolean {
    if (this.done) return false;
    return this.dispatch({ text: JSON.stringify(frame(method, params)), method });
  }

  /** Stops for good: closes the socket with 1000, rejects pending and buffered calls, never reconnects. Idempotent. */
  close(): void {
    if (this.done) return;
    this.connection.stop();
    this.shutdown(1000, "client closed");
    this.events.emit("close", { code: 1000, reason: "client closed", willReconnect: false });
  }

  /** The last gateway seq this client saw: sent on reconnect, so missed messages come first. */
  get lastSeq(): number | undefined {
    return this.resume.lastSeq;
  }

  /** Hook run on every open before the buffer is flushed; frames it writes go first. */
  protected reopened(): void {}

  /** Topics the gateway subscribes (and replays) at connect time, before any live message. */
  protected resumeTopics(): readonly string[] {
    return [];
  }

  /** Registers a call with callbacks; the building block of `call` and of calls that must not create promises. */
  protected request(method: string, params: RpcParams | undefined, options: CallOptions, resolve: (result: unknown) => void, reject: (error: Error) => void): void {
    if (this.done) return reject(new ConnectionClosedError(1000, "client closed"));
    const id = options.id ?? `${this.clientId}:${++this.counter}`;
    if (this.pending.has(id)) return reject(new TypeError(`realtime client: call id ${id} is already pending`));
    const timeoutMs = options.timeoutMs ?? this.options.callTimeoutMs;
    const timer = timeoutMs > 0 ? setTimeout(() => this.timedOut(id, method, timeoutMs), timeoutMs) : undefined;
    this.pending.add(id, { method, resolve, reject, timer, sent: false });
    this.dispatch({ text: JSON.stringify(frame(method, params, id)), method, id });
  }

  /** Emits an event to the listeners. */
  protected emit<K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]): void {
    this.events.emit(event, payload);
  }

  /** Writes a frame now if open and nothing is queued before it, else buffers it; reports overflow. */
  private dispatch(f: BufferedFrame): boolean {
    if (this.buffer.size === 0 && this.connection.send(f.text)) {
      if (f.id !== undefined) this.pending.markSent(f.id);
      return true;
    }
    if (this.buffer.push(f)) return true;
    const error = new BufferOverflowError(this.buffer.capacity, f.method);
    if (f.id !== undefined) this.pending.take(f.id)?.reject(error);
    this.events.emit("error", error);
    return false;
  }

  private opened(): void {
    const queued = this.buffer.clear();
    this.reopened();
    for (const f of queued) this.dispatch(f);
    this.events.emit("open", { reconnected: this.opens++ > 0 });
  }

  private received(data: unknown): void {
    if (typeof data !== "string") return this.events.emit("error", new ProtocolError("server sent a binary frame; only JSON text frames are supported"));
    for (const item of readFrame(data)) {
      switch (item.type) {
        case "push":
          if (this.resume.accept(item.params)) this.events.emit("message", item.params);
          break;
        case "result":
          if (typeof item.id === "string") this.pending.take(item.id)?.resolve(item.result);
          break;
        case "error": {
          const call = typeof item.id === "string" ? this.pending.take(item.id) : undefined;
          const error = new RpcError(item.error, item.id);
          if (call !== undefined) call.reject(error);
          else if (item.id === null) this.events.emit("error", error);
          break;
        }
        case "notification":
          this.notified(item.method, item.params);
          break;
        case "invalid":
          this.events.emit("error", new ProtocolError(`server sent ${item.reason}`));
          break;
      }
    }
  }

  /** `reset` and `resumed` move the resume position; other notifications are ignored. */
  private notified(method: string, params: unknown): void {
    const reset = method === "reset" ? ResetParamsSchema.safeParse(params) : undefined;
    if (reset?.success) {
      this.resume.reset(reset.data);
      this.events.emit("reset", reset.data);
    }
    const resumed = method === "resumed" ? ResumedParamsSchema.safeParse(params) : undefined;
    if (resumed?.success) this.resume.resumed(resumed.data);
  }

  private timedOut(id: string, method: string, timeoutMs: number): void {
    const call = this.pending.take(id);
    if (call === undefined) return;
    this.buffer.remove(id);
    call.reject(new RpcTimeoutError(id, method, timeoutMs));
  }

  private socketClosed(info: CloseInfo): void {
    for (const [id, call] of this.pending.takeWhere((c) => c.sent)) call.reject(new ConnectionClosedError(info.code, info.reason, id));
    if (!info.willReconnect) this.shutdown(info.code, info.reason);
    this.events.emit("close", info);
  }

  private shutdown(code: number, reason: string): void {
    this.done = true;
    this.buffer.clear();
    for (const [id, call] of this.pending.takeWhere()) call.reject(new ConnectionClosedError(code, reason, id));
  }
}

function frame(method: string, params: RpcParams | undefined, id?: string): RpcRequest {
  return { jsonrpc: "2.0", ...(id === undefined ? {} : { id }), method, ...(params === undefined ? {} : { params }) };
}

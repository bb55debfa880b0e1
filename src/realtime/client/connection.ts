import { HEARTBEAT } from "../../spec/rpc.ts";
import { type ResolvedOptions } from "./options.ts";
import { reconnectDelay, shouldReconnect } from "./reconnect-policy.ts";
import { OPEN, type SocketEventLike, type SocketLike } from "./socket.ts";
import { socketUrl } from "./socket-url.ts";

/**
 * The socket lifecycle under the RPC layer: token, connect timeout, backoff, heartbeat and the
 * close-code policy. It knows nothing of calls; it reports to its handlers. Guarantees: at most one
 * socket at a time; events of a replaced socket are ignored; after `stop()` or a terminal close
 * (4001, 1008) nothing reconnects.
 */

/** Close code the client reports (and closes with) when heartbeats go unanswered. */
export const HEARTBEAT_TIMEOUT_CODE = 4000;

/** Reported when an open socket closes. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
  /** False after a terminal close code or `close()`: the client is done. */
  readonly willReconnect: boolean;
}

/** Reported when a retry is scheduled. */
export interface ReconnectingInfo {
  /** 1 for the first retry since the last healthy socket. */
  readonly attempt: number;
  readonly delayMs: number;
}

/** What the connection reports. Handlers run synchronously. */
export interface ConnectionHandlers {
  open(): void;
  frame(data: unknown): void;
  close(info: CloseInfo): void;
  reconnecting(info: ReconnectingInfo): void;
  error(error: Error): void;
}

type Timer = ReturnType<typeof setTimeout>;

function cancel(timer: Timer | undefined): void {
  if (timer !== undefined) clearTimeout(timer);
}

/** A self-healing socket to `/ws/:user`. */
export class Connection {
  private socket: SocketLike | undefined;
  private generation = 0;
  private attempts = 0;
  private openedAt: number | undefined;
  private stopped = false;
  private connectTimer: Timer | undefined;
  private retryTimer: Timer | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private awaitingFrame = false;
  /** The running attempt. Held, not floating: it never rejects (failures go to `error` and a retry). */
  private connecting: Promise<void> = Promise.resolve();

  /** `query` gives extra URL parameters at each attempt (the resume position). */
  constructor(
    private readonly options: ResolvedOptions,
    private readonly handlers: ConnectionHandlers,
    private readonly query: () => Readonly<Record<string, string>> = () => ({}),
  ) {}

  /** True while a socket is open. */
  get isOpen(): boolean {
    return this.socket !== undefined && this.openedAt !== undefined && this.socket.readyState === OPEN;
  }

  /** Starts the first attempt (no delay). */
  start(): void {
    this.attempt();
  }

  /** Writes a text frame if a socket is open; false (nothing written) otherwise. */
  send(text: string): boolean {
    if (!this.isOpen || this.socket === undefined) return false;
    try {
      this.socket.send(text);
      return true;
    } catch {
      return false;
    }
  }

  /** Stops for good: cancels timers and any attempt, closes the socket with `code`. Reports nothing. */
  stop(code = 1000, reason = "client closed"): void {
    this.stopped = true;
    this.generation++;
    this.drop(code, reason);
    cancel(this.retryTimer);
  }

  private attempt(): void {
    const generation = ++this.generation;
    this.connectTimer = setTimeout(() => this.fail(generation, new Error(`connect timeout after ${this.options.connectTimeoutMs} ms`)), this.options.connectTimeoutMs);
    this.connecting = this.open(generation);
  }

  /** One attempt; never rejects: every failure goes to `fail`, which ignores stale generations. */
  private async open(generation: number): Promise<void> {
    try {
      // Always awaits, so the socket is created after the constructor chain has returned.
      const token = await this.options.token?.();
      if (generation !== this.generation) return;
      const socket = new this.options.WebSocket(socketUrl(this.options.url, this.options.user, token, this.query()));
      this.socket = socket;
      const mine = (listener: (event: SocketEventLike) => void) => (event: SocketEventLike) => {
        if (this.socket === socket) listener(event);
      };
      socket.addEventListener("open", mine(() => this.opened()));
      socket.addEventListener("message", mine((event) => this.received(event.data)));
      socket.addEventListener("close", mine((event) => this.closed(event.code ?? 1005, event.reason ?? "")));
      socket.addEventListener("error", mine(() => this.handlers.error(new Error("WebSocket error"))));
    } catch (error) {
      this.fail(generation, error instanceof Error ? error : new Error(String(error)));
    }
  }

  private opened(): void {
    cancel(this.connectTimer);
    this.openedAt = Date.now();
    this.awaitingFrame = false;
    if (this.options.heartbeatMs > 0) this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.handlers.open();
  }

  private received(data: unknown): void {
    this.awaitingFrame = false;
    if (data === HEARTBEAT.response) return;
    this.handlers.frame(data);
  }

  /** Sends a heartbeat; a socket that sent nothing since the previous one is presumed dead and replaced. */
  private beat(): void {
    if (this.awaitingFrame) {
      this.closed(HEARTBEAT_TIMEOUT_CODE, "heartbeat timeout");
      return;
    }
    this.awaitingFrame = this.send(HEARTBEAT.request);
  }

  /** The current socket closed (or is abandoned as dead). */
  private closed(code: number, reason: string): void {
    const wasOpen = this.openedAt !== undefined;
    if (wasOpen && Date.now() - (this.openedAt ?? 0) >= this.options.minUptimeMs) this.attempts = 0;
    this.drop(code, reason);
    const willReconnect = shouldReconnect(code);
    if (!willReconnect) this.stop(code, reason);
    if (wasOpen || !willReconnect) this.handlers.close({ code, reason, willReconnect });
    if (willReconnect) this.retry();
  }

  /** A failed attempt (token, constructor, timeout): report it and retry. */
  private fail(generation: number, error: Error): void {
    if (generation !== this.generation || this.stopped) return;
    this.generation++;
    this.drop(1000, "connect failed");
    this.handlers.error(error);
    this.retry();
  }

  private retry(): void {
    if (this.stopped) return;
    const attempt = ++this.attempts;
    const delayMs = reconnectDelay(attempt, this.options, this.options.random());
    this.handlers.reconnecting({ attempt, delayMs });
    this.retryTimer = setTimeout(() => this.attempt(), delayMs);
  }

  /** Forgets the current socket (its later events are ignored) and closes it. */
  private drop(code: number, reason: string): void {
    cancel(this.connectTimer);
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    const socket = this.socket;
    this.socket = undefined;
    this.openedAt = undefined;
    if (socket === undefined) return;
    try {
      socket.close(code >= 3000 || code === 1000 ? code : 1000, reason);
    } catch {
      // Already closed or closing: nothing to release.
    }
  }
}

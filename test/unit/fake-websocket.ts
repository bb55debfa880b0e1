import { vi } from "vitest";
import { createClient, type ClientOptions, type RealtimeClient, type SocketEventLike, type SocketLike } from "../../src/realtime/client/index.ts";

/**
 * A scripted WebSocket for the client's unit tests: records what the client sends and lets the
 * test play the server (open, message, close, error). Nothing happens unless the test says so.
 */
export class FakeSocket implements SocketLike {
  /** Every socket constructed, oldest first; reset by `startClient`. */
  static all: FakeSocket[] = [];
  readyState = 0;
  readonly sent: string[] = [];
  closedByClient: { code: number | undefined; reason: string | undefined } | undefined;
  private readonly listeners = new Map<string, ((event: SocketEventLike) => void)[]>();

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  addEventListener(type: string, listener: (event: SocketEventLike) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error("send on a socket that is not open");
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closedByClient = { code, reason };
    this.readyState = 3;
  }

  /** The JSON frames sent, parsed (the heartbeat string included, as `{ method: "heartbeat" }`). */
  get frames(): { id?: string; method: string; params?: unknown }[] {
    return this.sent.map((s) => JSON.parse(s) as { id?: string; method: string; params?: unknown });
  }

  open(): void {
    this.readyState = 1;
    this.emit({ type: "open" });
  }

  receive(frame: unknown): void {
    this.emit({ type: "message", data: typeof frame === "string" ? frame : JSON.stringify(frame) });
  }

  /** Answers the request `id` with `result`. */
  reply(id: string | undefined, result: unknown): void {
    this.receive({ jsonrpc: "2.0", id, result });
  }

  serverClose(code: number, reason = ""): void {
    this.readyState = 3;
    this.emit({ type: "close", code, reason });
  }

  private emit(event: SocketEventLike): void {
    for (const listener of this.listeners.get(event.type) ?? []) listener(event);
  }
}

/** The newest socket. */
export function lastSocket(): FakeSocket {
  const socket = FakeSocket.all.at(-1);
  if (socket === undefined) throw new Error("no socket yet");
  return socket;
}

/** Lets pending promise callbacks (the token provider) run, and due timers fire. */
export async function settle(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

/** Creates a client on the fake, deterministic jitter (first retry after 1 s), no heartbeat unless asked. */
export function startClient(options: Partial<ClientOptions> = {}): RealtimeClient {
  FakeSocket.all = [];
  return createClient({ url: "https://h.example", user: "ada", WebSocket: FakeSocket, random: () => 0, heartbeatMs: 0, ...options });
}

/** Creates a client and opens its first socket. */
export async function openClient(options: Partial<ClientOptions> = {}): Promise<{ client: RealtimeClient; socket: FakeSocket }> {
  const client = startClient(options);
  await settle();
  const socket = lastSocket();
  socket.open();
  return { client, socket };
}

import WebSocket from "ws";
import { MarkerCounter } from "./marker-counter.ts";
import { timed } from "./stats.ts";

/** One benchmark socket: where it connects, and the topic it subscribes to (ours only). */
export interface SocketSpec {
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly subscribe?: string;
}

const live = new Set<SocketPool>();
const OPEN_TIMEOUT_MS = 30_000;
const subscribeFrame = (topic: string) => JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { topics: [topic] } });

/**
 * Opens one socket (no permessage-deflate, so every variant sends the same plain frames), and
 * subscribes it when asked; resolves once the socket is ready to receive pushes.
 */
function open(spec: SocketSpec, onPush: (data: Buffer) => void, onUnexpectedClose: (code: number) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(spec.url, { headers: spec.headers ?? {}, perMessageDeflate: false, handshakeTimeout: OPEN_TIMEOUT_MS });
    let ready = false;
    const timer = setTimeout(() => (ws.terminate(), reject(new Error(`socket not ready after ${OPEN_TIMEOUT_MS} ms`))), OPEN_TIMEOUT_MS);
    const done = () => ((ready = true), clearTimeout(timer), ws.on("message", onPush), resolve(ws));
    ws.on("error", (err) => (ready ? undefined : (clearTimeout(timer), reject(err))));
    ws.on("close", (code) => (ready ? onUnexpectedClose(code) : undefined));
    ws.once("open", () => {
      if (!spec.subscribe) return done();
      ws.once("message", (data: Buffer) => (data.includes('"result"') ? done() : (clearTimeout(timer), ws.terminate(), reject(new Error(`subscribe refused: ${data.toString()}`)))));
      ws.send(subscribeFrame(spec.subscribe));
    });
  });
}

/**
 * A set of open benchmark sockets and a counter of the pushes they receive that carry a given
 * marker, so "the last socket has it" is one promise. Sockets that cannot open after three tries
 * are counted in `failures`, never silently dropped.
 */
export class SocketPool {
  readonly sockets: WebSocket[] = [];
  readonly failures: string[] = [];
  readonly closeCodes = new Map<number, number>();
  #closing = false;
  readonly #counter = new MarkerCounter();

  /** Opens `specs` with at most `concurrency` handshakes in flight. */
  static async connect(specs: readonly SocketSpec[], concurrency = 200): Promise<SocketPool> {
    const pool = new SocketPool();
    live.add(pool);
    await timed(specs.length, concurrency, async (i) => {
      const spec = specs[i] as SocketSpec;
      for (let attempt = 1; ; attempt++) {
        try {
          pool.sockets.push(await open(spec, (data) => pool.#counter.seen(data), (code) => pool.#onClose(code)));
          return;
        } catch (err) {
          if (attempt === 3) return void pool.failures.push(String(err));
          await new Promise((r) => setTimeout(r, 250 * attempt));
        }
      }
    });
    return pool;
  }

  get size(): number {
    return this.sockets.length;
  }

  /** Sockets closed by the server while the benchmark held them (e.g. 4001), by close code. */
  get unexpectedCloses(): number {
    return [...this.closeCodes.values()].reduce((a, b) => a + b, 0);
  }

  /** Resolves when `count` messages containing the JSON string `marker` arrived (or after `timeoutMs`). */
  expect(marker: string, count: number, timeoutMs = 30_000): Promise<{ received: number; lastAt: number }> {
    return this.#counter.expect(marker, count, timeoutMs);
  }


  #onClose(code: number): void {
    if (!this.#closing) this.closeCodes.set(code, (this.closeCodes.get(code) ?? 0) + 1);
  }

  /** Closes every socket with 1000 and waits for the server's close frames; terminates stragglers after `timeoutMs`. */
  async close(timeoutMs = 20_000): Promise<void> {
    this.#closing = true;
    const pending = this.sockets.filter((ws) => ws.readyState !== WebSocket.CLOSED);
    const closed = Promise.all(pending.map((ws) => new Promise<void>((r) => (ws.once("close", () => r()), ws.close(1000)))));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    for (const ws of this.sockets) if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
    live.delete(this);
  }
}

/** Drops every socket still open (the benchmark's `finally`), so the process can exit. */
export function terminateAllSockets(): void {
  for (const pool of live) for (const ws of pool.sockets) ws.terminate();
  live.clear();
}

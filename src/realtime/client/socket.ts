/**
 * The slice of the WebSocket API the client uses, so the browser's, Node 22's global, `ws`'s and a
 * test fake all fit. Only text frames are read and written.
 */

/** What the client reads from socket events: `data` (message), `code` / `reason` (close). */
export interface SocketEventLike {
  readonly type: string;
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
}

/** A WebSocket instance, as far as the client needs one. */
export interface SocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed (the standard values). */
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "message" | "close" | "error", listener: (event: SocketEventLike) => void): void;
}

/** A WebSocket constructor: the global `WebSocket`, `ws`'s default export, or a fake. */
export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => SocketLike;

/** The standard `readyState` of an open socket. */
export const OPEN = 1;

/** The global `WebSocket` (browsers, Node ≥ 22), or `undefined` where there is none. */
export function globalWebSocket(): WebSocketConstructorLike | undefined {
  const ctor: unknown = Reflect.get(globalThis, "WebSocket");
  // The platform constructor is wider than SocketLike (binary frames, more events); the cast narrows it.
  return typeof ctor === "function" ? (ctor as WebSocketConstructorLike) : undefined;
}

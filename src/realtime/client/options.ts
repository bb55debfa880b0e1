import { DEFAULT_RECONNECT, type ReconnectOptions } from "./reconnect-policy.ts";
import { globalWebSocket, type WebSocketConstructorLike } from "./socket.ts";
import { socketUrl } from "./socket-url.ts";

/** Supplies the user token; called before every connect and reconnect, so it can refresh an expiring token. */
export type TokenProvider = () => Promise<string> | string;

/** Options of `createClient`. Only `url` and `user` are required; every default is stated. */
export interface ClientOptions extends Partial<ReconnectOptions> {
  /** Base URL of the deployment, `https://host`, `http://host:8787`, `wss://host` (a path prefix is kept). */
  url: string;
  /** The user whose socket this is; the path segment of `/ws/:user`. */
  user: string;
  /** Token provider; its value is sent as the `token` query parameter. Default: no token. */
  token?: TokenProvider;
  /** WebSocket constructor. Default: the global `WebSocket` (browsers, Node ≥ 22). */
  WebSocket?: WebSocketConstructorLike;
  /** Default `timeoutMs` of a call (default 10,000; 0 waits forever). */
  callTimeoutMs?: number;
  /** Time allowed for the token and the handshake before the attempt counts as failed (default 4,000). */
  connectTimeoutMs?: number;
  /** Heartbeat interval while open (default 30,000; 0 disables heartbeats and the dead-socket check). */
  heartbeatMs?: number;
  /** Frames kept while disconnected, flushed in order on reconnect (default 1,000; 0 buffers nothing). */
  bufferSize?: number;
  /** Uptime after which a socket counts as healthy and the backoff starts over (default 5,000). */
  minUptimeMs?: number;
  /** Prefix of request ids, `${clientId}:${n}`. Default: 16 random bytes, hex. */
  clientId?: string;
  /** Source of randomness in [0, 1) for jitter (default `Math.random`). */
  random?: () => number;
}

/** Options after defaults and validation. */
export interface ResolvedOptions extends ReconnectOptions {
  url: string;
  user: string;
  token: TokenProvider | undefined;
  WebSocket: WebSocketConstructorLike;
  callTimeoutMs: number;
  connectTimeoutMs: number;
  heartbeatMs: number;
  bufferSize: number;
  minUptimeMs: number;
  clientId: string;
  random: () => number;
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function count(name: string, value: number | undefined, fallback: number, min = 0): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min) throw new RangeError(`realtime client: option "${name}" must be a finite number ≥ ${min}, got ${v}`);
  return v;
}

/**
 * Applies defaults and validates eagerly: a bad option throws here, naming the field, rather than
 * failing at the first reconnect.
 */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options.user !== "string" || options.user === "") throw new TypeError('realtime client: option "user" must be a non-empty string');
  socketUrl(options.url, options.user); // throws on a bad url
  const WebSocket = options.WebSocket ?? globalWebSocket();
  if (WebSocket === undefined) throw new TypeError('realtime client: no global WebSocket; pass option "WebSocket"');
  const clientId = options.clientId ?? randomId();
  if (clientId === "" || clientId.length > 200) throw new RangeError('realtime client: option "clientId" must be 1–200 characters');
  const bufferSize = count("bufferSize", options.bufferSize, 1_000);
  if (!Number.isInteger(bufferSize)) throw new RangeError('realtime client: option "bufferSize" must be an integer');
  return {
    url: options.url,
    user: options.user,
    token: options.token,
    WebSocket,
    callTimeoutMs: count("callTimeoutMs", options.callTimeoutMs, 10_000),
    connectTimeoutMs: count("connectTimeoutMs", options.connectTimeoutMs, 4_000, 1),
    heartbeatMs: count("heartbeatMs", options.heartbeatMs, 30_000),
    bufferSize,
    minUptimeMs: count("minUptimeMs", options.minUptimeMs, 5_000),
    clientId,
    random: options.random ?? Math.random,
    minReconnectionDelay: count("minReconnectionDelay", options.minReconnectionDelay, DEFAULT_RECONNECT.minReconnectionDelay),
    reconnectionJitter: count("reconnectionJitter", options.reconnectionJitter, DEFAULT_RECONNECT.reconnectionJitter),
    reconnectionDelayGrowFactor: count("reconnectionDelayGrowFactor", options.reconnectionDelayGrowFactor, DEFAULT_RECONNECT.reconnectionDelayGrowFactor, 1),
    maxReconnectionDelay: count("maxReconnectionDelay", options.maxReconnectionDelay, DEFAULT_RECONNECT.maxReconnectionDelay),
  };
}

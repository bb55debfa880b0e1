import { env, exports } from "cloudflare:workers";
import { gatewayName, gatewayOf } from "../../src/realtime/realtime.ts";
import { admin, BASE } from "./helpers.ts";

/** Gateway shards in the test configuration (the default). */
export const G = 16;

/** Mints a user token through `POST /v1/auth/tokens`. */
export async function tokenFor(sub: string, options: { ttlSeconds?: number; tenant?: string } = {}): Promise<string> {
  const res = await exports.default.fetch(`${BASE}/v1/auth/tokens`, { method: "POST", headers: admin({ "content-type": "application/json" }), body: JSON.stringify({ sub, ...options }) });
  if (res.status !== 201) throw new Error(`mint answered ${res.status}: ${await res.text()}`);
  return (await res.json<{ token: string }>()).token;
}

/** A connected test socket: every frame it received, and a way to wait for the next ones. */
export interface TestSocket {
  readonly ws: WebSocket;
  readonly frames: unknown[];
  closed: { code: number; reason: string } | undefined;
  /** Resolves with the frames once at least `count` arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<unknown[]>;
  /** Sends a frame and resolves with the next one received. */
  call(frame: unknown): Promise<unknown>;
  waitClosed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
}

const decode = (data: unknown): unknown => (typeof data === "string" ? (JSON.parse(data) as unknown) : data);

/** Wraps an accepted WebSocket so tests can await frames. */
export function wrap(ws: WebSocket): TestSocket {
  const socket: TestSocket = {
    ws,
    frames: [],
    closed: undefined,
    waitFor: (count, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          if (socket.frames.length >= count) return resolve(socket.frames);
          if (Date.now() - started > timeoutMs) return reject(new Error(`got ${socket.frames.length} of ${count} frames: ${JSON.stringify(socket.frames).slice(0, 500)}`));
          setTimeout(check, 5);
        };
        check();
      }),
    call: async (frame) => {
      const before = socket.frames.length;
      ws.send(typeof frame === "string" || frame instanceof ArrayBuffer || ArrayBuffer.isView(frame) ? frame : JSON.stringify(frame));
      return (await socket.waitFor(before + 1))[before];
    },
    waitClosed: (timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          if (socket.closed) return resolve(socket.closed);
          if (Date.now() - started > timeoutMs) return reject(new Error("socket did not close"));
          setTimeout(check, 5);
        };
        check();
      }),
  };
  ws.addEventListener("message", (e) => {
    socket.frames.push(decode(e.data));
  });
  ws.addEventListener("close", (e) => {
    socket.closed = { code: e.code, reason: e.reason };
  });
  return socket;
}

/** Opens `/ws/:user` through the Worker with a fresh token (or the given headers) and accepts the socket. */
export async function connect(user: string, options: { token?: string; headers?: Record<string, string>; protocol?: string } = {}): Promise<TestSocket> {
  const token = options.token ?? (await tokenFor(user));
  const headers: Record<string, string> = { Upgrade: "websocket", Authorization: `Bearer ${token}`, ...(options.protocol ? { "Sec-WebSocket-Protocol": options.protocol } : {}), ...options.headers };
  const res = await exports.default.fetch(`${BASE}/ws/${encodeURIComponent(user)}`, { headers });
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade answered ${res.status}: ${await res.text()}`);
  res.webSocket.accept();
  return wrap(res.webSocket);
}

/** The gateway stub of a user. */
export function gatewayStub(user: string) {
  return env.GATEWAYS.get(env.GATEWAYS.idFromName(gatewayName(gatewayOf(user, G))));
}

/** Users that hash to `count` different gateways. */
export function usersOnDistinctGateways(count: number, prefix = "u"): string[] {
  const seen = new Map<number, string>();
  for (let i = 0; seen.size < count; i++) {
    const user = `${prefix}-${crypto.randomUUID().slice(0, 8)}-${i}`;
    if (!seen.has(gatewayOf(user, G))) seen.set(gatewayOf(user, G), user);
  }
  return [...seen.values()];
}

/** A JSON-RPC request frame. */
export const req = (id: string | number, method: string, params?: unknown) => ({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) });

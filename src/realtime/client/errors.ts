import { type RpcErrorObject, type RpcId } from "../../spec/rpc.ts";

/**
 * The errors of the realtime client. Each has a stable `kind`, so callers can branch without
 * `instanceof` across bundles; `RpcError` also carries the JSON-RPC `code` (see `RPC_ERRORS`).
 */

/** The stable kinds of client errors. */
export type ClientErrorKind = "rpc" | "timeout" | "closed" | "overflow" | "invalid_result" | "protocol";

/** Base class of every error the client rejects with or emits as an "error" event. */
export class RealtimeClientError extends Error {
  readonly kind: ClientErrorKind;

  constructor(kind: ClientErrorKind, message: string) {
    super(message);
    this.name = "RealtimeClientError";
    this.kind = kind;
  }
}

/** The server answered a call with an error object; `code`, `message` and `data` are the server's. */
export class RpcError extends RealtimeClientError {
  readonly code: number;
  readonly data: unknown;
  /** The id of the request, `null` when the server could not read it. */
  readonly id: RpcId | null;

  constructor(error: RpcErrorObject, id: RpcId | null) {
    super("rpc", error.message);
    this.name = "RpcError";
    this.code = error.code;
    this.data = error.data;
    this.id = id;
  }
}

/** No response arrived within the call's `timeoutMs`; a still-buffered frame is dropped, not sent later. */
export class RpcTimeoutError extends RealtimeClientError {
  readonly id: string;
  readonly method: string;
  readonly timeoutMs: number;

  constructor(id: string, method: string, timeoutMs: number) {
    super("timeout", `${method} (${id}) got no response within ${timeoutMs} ms`);
    this.name = "RpcTimeoutError";
    this.id = id;
    this.method = method;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The socket closed while the call was in flight, or the client was closed. The server may or may
 * not have run the call: retry it with `call(method, params, { id: error.id })` and the server,
 * which remembers recent ids per user, answers without running it twice.
 */
export class ConnectionClosedError extends RealtimeClientError {
  readonly code: number;
  readonly reason: string;
  /** The id of the rejected call, when a call was rejected. */
  readonly id: string | undefined;

  constructor(code: number, reason: string, id?: string) {
    super("closed", `connection closed (${code}${reason ? `: ${reason}` : ""})`);
    this.name = "ConnectionClosedError";
    this.code = code;
    this.reason = reason;
    this.id = id;
  }
}

/** The offline buffer was full, so the frame was dropped (never silently: the call rejects and "error" fires). */
export class BufferOverflowError extends RealtimeClientError {
  readonly capacity: number;
  readonly method: string;

  constructor(capacity: number, method: string) {
    super("overflow", `offline buffer full (${capacity} frames): ${method} dropped`);
    this.name = "BufferOverflowError";
    this.capacity = capacity;
    this.method = method;
  }
}

/** A result did not match the schema given to `callValidated`; `issues` are zod's. */
export class InvalidResultError extends RealtimeClientError {
  readonly method: string;
  readonly issues: readonly unknown[];

  constructor(method: string, issues: readonly unknown[]) {
    super("invalid_result", `${method} returned a result that does not match its schema`);
    this.name = "InvalidResultError";
    this.method = method;
    this.issues = issues;
  }
}

/** The server sent a frame the client cannot read (binary, not JSON, not JSON-RPC); emitted as "error". */
export class ProtocolError extends RealtimeClientError {
  constructor(message: string) {
    super("protocol", message);
    this.name = "ProtocolError";
  }
}

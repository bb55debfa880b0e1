import type { PushParams, RpcRequest } from "../../spec/rpc.ts";
import type { ResetParams } from "../../spec/streams.ts";
import type { CloseInfo, ReconnectingInfo } from "./connection.ts";

/** The client's public types: call params and options, its events, its state. */

/** Params of a call or notification: by name or by position. */
export type RpcParams = NonNullable<RpcRequest["params"]>;

/** Per-call options. */
export interface CallOptions {
  /** Reject with `RpcTimeoutError` after this long, buffered time included (default: the client's `callTimeoutMs`, 10,000; 0 never). */
  timeoutMs?: number;
  /** Request id; pass `ConnectionClosedError.id` to retry a call without the server running it twice. Default: `${clientId}:${n}`. */
  id?: string;
}

/** Reported on every open; `reconnected` is false only for the first. */
export interface OpenInfo {
  readonly reconnected: boolean;
}

/** The client's events and their payloads. */
export interface ClientEvents {
  message: PushParams;
  /** The gateway no longer has what the client missed while away (older than its log): refetch state. */
  reset: ResetParams;
  open: OpenInfo;
  close: CloseInfo;
  reconnecting: ReconnectingInfo;
  error: Error;
}

/** `open` while a socket is open, `connecting` while (re)connecting, `closed` for good. */
export type ClientState = "connecting" | "open" | "closed";

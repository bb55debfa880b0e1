/**
 * The reconnecting typed client of `/ws/:user` (package export `durable-cluster/client`). Runs in
 * browsers and Node ≥ 22; imports only the protocol (`src/spec`) and zod, nothing of the Worker.
 */
export { createClient, RealtimeClient, type DeliveredResult, type PongResult, type PresenceResult, type TopicsResult } from "./realtime-client";
export { RpcClient, type CallOptions, type ClientEvents, type ClientState, type OpenInfo, type RpcParams } from "./rpc-client";
export { HEARTBEAT_TIMEOUT_CODE, type CloseInfo, type ReconnectingInfo } from "./connection";
export { BufferOverflowError, ConnectionClosedError, InvalidResultError, ProtocolError, RealtimeClientError, RpcError, RpcTimeoutError, type ClientErrorKind } from "./errors";
export { DEFAULT_RECONNECT, reconnectDelay, shouldReconnect, TERMINAL_CLOSE_CODES, type ReconnectOptions } from "./reconnect-policy";
export { type ClientOptions, type TokenProvider } from "./options";
export { socketUrl } from "./socket-url";
export { type SocketEventLike, type SocketLike, type WebSocketConstructorLike } from "./socket";
export { type PushParams, type RpcErrorObject, type RpcId } from "../../spec/rpc";
export { type ResetParams } from "../../spec/streams";

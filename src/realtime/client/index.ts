/**
 * The reconnecting typed client of `/ws/:user` (package export `durable-cluster/client`). Runs in
 * browsers and Node ≥ 22; imports only the protocol (`src/spec`) and zod, nothing of the Worker.
 */
export { createClient, RealtimeClient, type DeliveredResult, type PongResult, type PresenceResult, type TopicsResult } from "./realtime-client.ts";
export { RpcClient, type CallOptions, type ClientEvents, type ClientState, type OpenInfo, type RpcParams } from "./rpc-client.ts";
export { HEARTBEAT_TIMEOUT_CODE, type CloseInfo, type ReconnectingInfo } from "./connection.ts";
export { BufferOverflowError, ConnectionClosedError, InvalidResultError, ProtocolError, RealtimeClientError, RpcError, RpcTimeoutError, type ClientErrorKind } from "./errors.ts";
export { DEFAULT_RECONNECT, reconnectDelay, shouldReconnect, TERMINAL_CLOSE_CODES, type ReconnectOptions } from "./reconnect-policy.ts";
export { type ClientOptions, type TokenProvider } from "./options.ts";
export { socketUrl } from "./socket-url.ts";
export { type SocketEventLike, type SocketLike, type WebSocketConstructorLike } from "./socket.ts";
export { type PushParams, type RpcErrorObject, type RpcId } from "../../spec/rpc.ts";
export { type ResetParams } from "../../spec/streams.ts";

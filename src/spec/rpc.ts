import { z } from "zod";

/**
 * JSON-RPC 2.0 (https://www.jsonrpc.org/specification), the frame protocol of `/ws/:user` (WS-02).
 * Requests carry an `id` and get a response; notifications have none and get nothing. A batch is
 * an array of either; its answer is the array of the responses (nothing at all when every member
 * was a notification).
 */

/** A request id: a string or an integer (`null` only in error responses to unreadable requests). */
export const RpcIdSchema = z.union([z.string().max(256), z.number().int()]).describe("Request id: a string (≤ 256) or an integer");
export type RpcId = z.infer<typeof RpcIdSchema>;

/** A request or notification as the client sends it. `params` is by-name (object) or by-position (array). */
export const RpcRequestSchema = z
  .object({
    jsonrpc: z.literal("2.0").describe("Always \"2.0\""),
    id: RpcIdSchema.optional(),
    method: z.string().min(1).max(128).describe("Method name"),
    params: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional().describe("Parameters, by name or by position"),
  })
  .strict()
  .describe("A JSON-RPC 2.0 request (with id) or notification (without)");
export type RpcRequest = z.infer<typeof RpcRequestSchema>;

/** The error codes: the specification's standard ones and ours in -32000..-32099. Codes are a contract. */
export const RPC_ERRORS = {
  parse_error: -32700,
  invalid_request: -32600,
  method_not_found: -32601,
  invalid_params: -32602,
  internal_error: -32603,
  rate_limited: -32000,
  frame_too_large: -32001,
  forbidden: -32002,
  limit_exceeded: -32003,
  unavailable: -32004,
  application_error: -32010,
} as const;
export type RpcErrorName = keyof typeof RPC_ERRORS;

/**
 * An error object: `data` carries the failing zod paths for -32602, the limit for -32000/-32001/-32003,
 * and the problem (`code`, `status`, `detail`) for -32010, an application refusal (e.g. `insufficient_funds`).
 */
export const RpcErrorObjectSchema = z
  .object({
    code: z.number().int().describe("Error code (see RPC_ERRORS)"),
    message: z.string().describe("Short description"),
    data: z.unknown().optional().describe("Details: failing paths, limits"),
  })
  .describe("A JSON-RPC error object");
export type RpcErrorObject = z.infer<typeof RpcErrorObjectSchema>;

/** A response: exactly one of `result` and `error`. */
export const RpcResponseSchema = z
  .union([
    z.object({ jsonrpc: z.literal("2.0"), id: RpcIdSchema, result: z.unknown() }).describe("Success"),
    z.object({ jsonrpc: z.literal("2.0"), id: RpcIdSchema.nullable(), error: RpcErrorObjectSchema }).describe("Failure"),
  ])
  .describe("A JSON-RPC 2.0 response");
export type RpcResponse = z.infer<typeof RpcResponseSchema>;

/** Server push: a notification `message` with the gateway's sequence number. */
export const PushParamsSchema = z
  .object({
    topic: z.string().optional().describe("The topic, for a topic message (without the tenant prefix)"),
    from: z.string().optional().describe("The sending user, when a user sent it"),
    event: z.string().optional().describe("The domain event type, for a message bridged from an event subscription"),
    data: z.unknown().describe("The message"),
    seq: z.number().int().min(1).describe("Monotonic per gateway: the order this gateway delivered its messages in"),
  })
  .describe("Params of a server push");
export type PushParams = z.infer<typeof PushParamsSchema>;

/** The application-level heartbeat, answered by the runtime without waking the gateway. */
export const HEARTBEAT = { request: '{"jsonrpc":"2.0","method":"heartbeat"}', response: '{"jsonrpc":"2.0","method":"heartbeat.ok"}' } as const;

/** Builds an error response. */
export function rpcError(id: RpcId | null, name: RpcErrorName, message: string, data?: unknown): RpcResponse {
  return { jsonrpc: "2.0", id, error: { code: RPC_ERRORS[name], message, ...(data === undefined ? {} : { data }) } };
}

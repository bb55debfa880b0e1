import { RpcRequestSchema, rpcError, type RpcRequest, type RpcResponse } from "../spec/index.ts";

/** Runs one well-formed request; answers its response, or null for a notification. */
export type Invoke = (request: RpcRequest) => Promise<RpcResponse | null>;

/** The most requests one batch may carry; a larger batch is one -32600. */
export const MAX_BATCH = 100;

const invalid = (detail: string): RpcResponse => rpcError(null, "invalid_request", "Invalid Request", { reason: detail });

async function one(item: unknown, invoke: Invoke): Promise<RpcResponse | null> {
  const parsed = RpcRequestSchema.safeParse(item);
  if (!parsed.success) return invalid(parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "));
  return invoke(parsed.data);
}

/**
 * JSON-RPC 2.0 processing of a decoded frame, per the specification: a single request gets its
 * response; a batch gets the array of its members' responses in order (members run concurrently,
 * notifications answer nothing, and an all-notification batch answers nothing at all); an empty
 * array or a value that is neither object nor array is one -32600 with id null.
 */
export async function processPayload(payload: unknown, invoke: Invoke): Promise<RpcResponse | RpcResponse[] | null> {
  if (!Array.isArray(payload)) return one(payload, invoke);
  if (payload.length === 0) return invalid("empty batch");
  if (payload.length > MAX_BATCH) return invalid(`batch of ${payload.length} exceeds ${MAX_BATCH}`);
  const responses = (await Promise.all(payload.map((item) => one(item, invoke)))).filter((r): r is RpcResponse => r !== null);
  return responses.length === 0 ? null : responses;
}

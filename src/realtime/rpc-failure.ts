import type { ZodError } from "zod";
import { AppError, rpcError, type RpcErrorName, type RpcId, type RpcResponse } from "../spec/index.ts";

/** A refused call: becomes the JSON-RPC error of its name. */
export class RpcFailure extends Error {
  constructor(
    readonly error: RpcErrorName,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "RpcFailure";
  }

  /** -32602 with the zod paths, like the HTTP API's validation errors. */
  static invalidParams(error: ZodError): RpcFailure {
    return new RpcFailure("invalid_params", "Invalid params", { errors: error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) });
  }
}

/**
 * Maps anything a method threw to an error response: an RpcFailure as itself; an AppError (an
 * entity refusing, a limit) as its nearest code with the problem in `data`; anything else as
 * -32603 without the internal message, which is logged instead.
 */
export function failureResponse(id: RpcId | null, err: unknown): RpcResponse {
  if (err instanceof RpcFailure) return rpcError(id, err.error, err.message, err.data);
  if (err instanceof AppError) {
    const problem = { code: err.code, status: err.status, detail: err.message, ...err.extra };
    if (err.code === "forbidden" || err.code === "unauthorized") return rpcError(id, "forbidden", "Forbidden", problem);
    if (err.code === "rate_limited" || err.code === "mailbox_full") return rpcError(id, "rate_limited", "Rate limited", problem);
    if (err.code === "validation_failed") return rpcError(id, "invalid_params", "Invalid params", problem);
    if (err.status >= 500) return rpcError(id, "unavailable", "Unavailable", problem);
    return rpcError(id, "application_error", err.message, problem);
  }
  console.error("rpc method failed", err);
  return rpcError(id, "internal_error", "Internal error");
}

import { PushParamsSchema, RpcResponseSchema, type PushParams, type RpcErrorObject, type RpcId } from "../../spec/rpc.ts";

/**
 * Reading server frames: a JSON-RPC response, a batch of them, or a `message` push. Pure, so the
 * client's dispatch is a switch over a discriminated union.
 */

/** One item of a server frame. */
export type IncomingFrame =
  | { readonly type: "push"; readonly params: PushParams }
  | { readonly type: "result"; readonly id: RpcId; readonly result: unknown }
  | { readonly type: "error"; readonly id: RpcId | null; readonly error: RpcErrorObject }
  | { readonly type: "notification"; readonly method: string; readonly params: unknown }
  | { readonly type: "invalid"; readonly reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readItem(item: unknown): IncomingFrame {
  if (isRecord(item) && typeof item.method === "string" && item.id === undefined) {
    if (item.method !== "message") return { type: "notification", method: item.method, params: item.params };
    const push = PushParamsSchema.safeParse(item.params);
    return push.success ? { type: "push", params: push.data } : { type: "invalid", reason: "a message push with invalid params" };
  }
  const response = RpcResponseSchema.safeParse(item);
  if (!response.success) return { type: "invalid", reason: "a frame that is neither a JSON-RPC response nor a notification" };
  const r = response.data;
  return "error" in r ? { type: "error", id: r.id, error: r.error } : { type: "result", id: r.id, result: r.result };
}

/** Reads a text frame into its items (a batch gives several); unreadable input gives one "invalid" item. */
export function readFrame(text: string): IncomingFrame[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [{ type: "invalid", reason: "a frame that is not JSON" }];
  }
  return Array.isArray(parsed) ? parsed.map(readItem) : [readItem(parsed)];
}

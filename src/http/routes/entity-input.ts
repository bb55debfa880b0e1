import type { Context } from "hono";
import { AppError, isReservedHeader, MessageIdSchema, validationError } from "../../spec/index.ts";
import type { SendOptions } from "../../shards/index.ts";
import type { AppEnv } from "../env.ts";
import { JSON_CONTENT_TYPE } from "../middleware/json-depth.ts";
import { pathOf } from "../path.ts";

const HEADER_PREFIX = "x-envelope-header-";
const DIGITS = /^\d{1,15}$/;

/**
 * Reads a message's input from the request body: JSON, or `{}` when the body is empty (messages
 * without input). A non-JSON content type is 415, malformed JSON 400 `malformed_json` (JSON nested
 * too deep was refused before, by `jsonDepthGuard`).
 */
export async function readInput(c: Context<AppEnv>): Promise<unknown> {
  if (!JSON_CONTENT_TYPE.test(c.req.header("content-type") ?? "")) {
    // Bytes, not text: reading a form or multipart body as text makes the runtime log a warning.
    if (new TextDecoder().decode(await c.req.arrayBuffer()).trim() === "") return {};
    throw new AppError("unsupported_media_type", "send the message input as application/json");
  }
  const text = await c.req.text(); // the text `jsonDepthGuard` already read
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError("malformed_json", "the request body is not valid JSON");
  }
}

function integerHeader(c: Context<AppEnv>, name: string, min: number, max: number): number | undefined {
  const raw = c.req.header(name);
  if (raw === undefined) return undefined;
  const value = DIGITS.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new AppError("validation_failed", `${name} must be an integer in ${min}..${max}`, { extra: { errors: [{ path: `headers.${name}`, message: `expected an integer in ${min}..${max}` }] } });
  }
  return value;
}

/**
 * The envelope options of an entity request: `Idempotency-Key` (the message id),
 * `X-Envelope-TTL-Ms`, `X-Envelope-Created-At` (ms since the epoch; default when the Worker
 * received the request) and `X-Envelope-Header-<name>` custom headers.
 */
export function sendOptions(c: Context<AppEnv>, receivedAt: number): SendOptions {
  const idempotencyKey = c.req.header("idempotency-key");
  const messageId = idempotencyKey === undefined ? undefined : MessageIdSchema.safeParse(idempotencyKey);
  if (messageId && !messageId.success) throw validationError(messageId.error, "Idempotency-Key", ["headers", "idempotency-key"]);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(c.req.header())) {
    if (!name.toLowerCase().startsWith(HEADER_PREFIX)) continue;
    const custom = name.toLowerCase().slice(HEADER_PREFIX.length);
    if (isReservedHeader(custom)) throw new AppError("reserved_header", `header '${custom}' uses the reserved prefix 'x-cluster-'`, { extra: { errors: [{ path: `headers.${name}`, message: "reserved prefix" }] } });
    headers[custom] = value;
  }
  const cluster = c.get("cluster");
  const ttlMs = integerHeader(c, "x-envelope-ttl-ms", 1, 86_400_000);
  return {
    headers,
    createdAt: integerHeader(c, "x-envelope-created-at", 0, 8_640_000_000_000) ?? receivedAt,
    context: { requestId: cluster.requestId, ...(cluster.traceparent ? { traceparent: cluster.traceparent } : {}) },
    ...(ttlMs === undefined ? {} : { ttlMs }),
    ...(messageId?.data === undefined ? {} : { messageId: messageId.data }),
  };
}

/** True when the client asked for asynchronous processing (`Prefer: respond-async`, RFC 7240). */
export function prefersAsync(c: Context<AppEnv>): boolean {
  return (c.req.header("prefer") ?? "").split(",").some((p) => p.trim().toLowerCase().split(";")[0] === "respond-async");
}

/**
 * The `{key}` of `/v1/entities/{type}/{key}/{message}` (and `…/{key}/_info`), decoded strictly from
 * the path: malformed percent-encoding (or bytes that are not UTF-8) is 400 on `key`, never read
 * as a key spelled with `%`.
 */
export function pathKey(c: Context<AppEnv>): string {
  const raw = pathOf(c.req.url).split("/").at(-2) ?? "";
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AppError("validation_failed", "the entity key is not percent-encoded UTF-8", { extra: { errors: [{ path: "key", message: "malformed percent-encoding" }] } });
  }
}

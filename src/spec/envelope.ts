import { z } from "zod";
import { EntityTypeSchema, MessageIdSchema } from "./ids.ts";

/**
 * The message envelope (clstr-go's `Envelope`, seed 004): what travels from a router to the shard
 * that owns a key. Headers whose name starts with {@link RESERVED_HEADER_PREFIX} belong to the
 * cluster; callers may not set them (clstr-go refuses `x-clstr-*` the same way).
 */

/** Header names starting with this prefix are reserved for the cluster itself. */
export const RESERVED_HEADER_PREFIX = "x-cluster-";
/** At most this many custom headers per envelope. */
export const MAX_ENVELOPE_HEADERS = 32;

/** A header name: lower-case token of letters, digits and `-`, 1–64 characters. */
export const HeaderNameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "lower-case letters, digits and '-', at most 64").describe("Envelope header name (lower-case)");
/** A header value: up to 1,024 printable characters. */
export const HeaderValueSchema = z.string().max(1024).regex(/^[^\r\n\0]*$/, "no CR, LF or NUL").describe("Envelope header value");

/** Headers as stored in an envelope: reserved names allowed (the cluster sets them). */
export const EnvelopeHeadersSchema = z
  .record(HeaderNameSchema, HeaderValueSchema)
  .refine((h) => Object.keys(h).length <= MAX_ENVELOPE_HEADERS, `at most ${MAX_ENVELOPE_HEADERS} headers`)
  .describe("Envelope headers, lower-case names");
export type EnvelopeHeaders = z.infer<typeof EnvelopeHeadersSchema>;

/** Headers a caller may set: as {@link EnvelopeHeadersSchema}, minus the reserved prefix. */
export const CallerHeadersSchema = EnvelopeHeadersSchema.superRefine((headers, ctx) => {
  for (const name of Object.keys(headers)) {
    if (isReservedHeader(name)) {
      ctx.addIssue({ code: "custom", path: [name], message: `header '${name}' uses the reserved prefix '${RESERVED_HEADER_PREFIX}'` });
    }
  }
}).describe("Caller-settable envelope headers (the x-cluster- prefix is refused)");

/** An envelope. `ttlMs` absent means it never expires; `createdAt` is milliseconds since the epoch. */
export const EnvelopeSchema = z
  .object({
    type: z.string().min(1).max(128).describe("Message type: the handler name"),
    entityType: EntityTypeSchema.optional().describe("Entity type the message is addressed to"),
    payload: z.unknown().describe("Message input, validated by the handler's schema"),
    headers: EnvelopeHeadersSchema.default({}).describe("Custom and cluster headers"),
    ttlMs: z.number().int().positive().max(86_400_000).optional().describe("Time to live in ms from createdAt; absent means no expiry"),
    createdAt: z.number().int().nonnegative().describe("Creation time, ms since the epoch"),
    messageId: MessageIdSchema.optional().describe("Dedup key: a message with an id is applied at most once"),
  })
  .describe("Message envelope");
export type Envelope = z.infer<typeof EnvelopeSchema>;

const HEADER_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const ENTITY_TYPE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const MESSAGE_ID = /^[\x21-\x7e]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;
const ENVELOPE_KEYS = new Set(["type", "entityType", "payload", "headers", "ttlMs", "createdAt", "messageId"]);

/**
 * True exactly when {@link EnvelopeSchema} accepts `candidate` unchanged (every field present
 * holds a valid value, `headers` included): the hot path builds envelopes from checked parts and
 * checks them with this instead of a full parse. When it is false, parse with the schema for the
 * error. A unit test holds the two to the same answers.
 */
export function isEnvelope(candidate: Record<string, unknown>): candidate is Envelope {
  const { type, entityType, payload, headers, ttlMs, createdAt, messageId } = candidate;
  if (payload === undefined) return false; // the schema wants the key, with a value
  if (typeof type !== "string" || type.length < 1 || type.length > 128) return false;
  if (entityType !== undefined && !(typeof entityType === "string" && ENTITY_TYPE.test(entityType))) return false;
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) return false;
  const entries = Object.entries(headers);
  if (entries.length > MAX_ENVELOPE_HEADERS) return false;
  for (const [name, value] of entries) if (!HEADER_NAME.test(name) || typeof value !== "string" || value.length > 1024 || !HEADER_VALUE.test(value)) return false;
  if (ttlMs !== undefined && !(Number.isSafeInteger(ttlMs) && (ttlMs as number) > 0 && (ttlMs as number) <= 86_400_000)) return false;
  if (!(Number.isSafeInteger(createdAt) && (createdAt as number) >= 0)) return false;
  if (messageId !== undefined && !(typeof messageId === "string" && messageId.length <= 256 && MESSAGE_ID.test(messageId))) return false;
  return Object.keys(candidate).every((k) => ENVELOPE_KEYS.has(k));
}

/** True when `name` uses the reserved prefix (case-insensitive). */
export function isReservedHeader(name: string): boolean {
  return name.toLowerCase().startsWith(RESERVED_HEADER_PREFIX);
}

/** Milliseconds left before the envelope expires: `Infinity` without a TTL, never negative. */
export function remainingTtl(envelope: Pick<Envelope, "ttlMs" | "createdAt">, now: number): number {
  return envelope.ttlMs === undefined ? Number.POSITIVE_INFINITY : Math.max(0, envelope.createdAt + envelope.ttlMs - now);
}

/** True once `now` has reached `createdAt + ttlMs`; an envelope without a TTL never expires. */
export function isExpired(envelope: Pick<Envelope, "ttlMs" | "createdAt">, now: number): boolean {
  return remainingTtl(envelope, now) === 0;
}

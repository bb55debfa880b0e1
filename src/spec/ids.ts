import { z } from "zod";

/**
 * Branded identifiers. Each is a zod schema with a documented charset and maximum length, so an
 * id that passes its schema is safe to use in a Durable Object name, a SQLite parameter, a tag or
 * a header. Types are `z.infer` of the schemas: a bare `string` never stands where an id belongs.
 */

/** Lower-case slug: letters, digits and `-`, starting with a letter; 1–63 characters (DNS-label-like). */
const SLUG = /^[a-z][a-z0-9-]{0,62}$/;
/** Printable ASCII without spaces, `/` or control characters. */
const TOKEN = /^[A-Za-z0-9._:@~+=-]+$/;

/** A tenant id: lower-case slug, 1–63 characters. */
export const TenantIdSchema = z.string().regex(SLUG, "lower-case letters, digits and '-', starting with a letter, at most 63").brand<"TenantId">().describe("Tenant id: [a-z][a-z0-9-]{0,62}");
export type TenantId = z.infer<typeof TenantIdSchema>;

/** A user id: 1–128 characters of `A-Z a-z 0-9 . _ : @ ~ + = -`. */
export const UserIdSchema = z.string().min(1).max(128).regex(TOKEN, "letters, digits and . _ : @ ~ + = -").brand<"UserId">().describe("User id: 1–128 of [A-Za-z0-9._:@~+=-]");
export type UserId = z.infer<typeof UserIdSchema>;

/** A shard number: an integer 0 ≤ shard < 65,536. */
export const ShardIdSchema = z.number().int().min(0).max(65_535).brand<"ShardId">().describe("Shard number, 0..65535");
export type ShardId = z.infer<typeof ShardIdSchema>;

/** An entity type: starts with a letter, then letters, digits, `_` or `-`; 1–64 characters. */
export const EntityTypeSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, "a letter, then letters, digits, '_' or '-', at most 64").brand<"EntityType">().describe("Entity type: [A-Za-z][A-Za-z0-9_-]{0,63}");
export type EntityType = z.infer<typeof EntityTypeSchema>;

/** Most UTF-8 bytes in an entity key. */
export const MAX_ENTITY_KEY_BYTES = 256;
const encoder = new TextEncoder();

/**
 * An entity key: a string of 1–256 bytes in UTF-8, `/`, spaces and emoji included (a lone
 * surrogate has no UTF-8 form and is refused). It reaches SQLite only as a parameter and never
 * becomes part of an object's name (a shard is `<entityType>/<shard>`); in a URL path it is
 * percent-encoded (`encodeURIComponent`).
 */
export const EntityKeySchema = z
  .string()
  .min(1)
  .max(MAX_ENTITY_KEY_BYTES) // a UTF-16 unit is at least one UTF-8 byte: a cheap first bound
  .refine((key) => key.isWellFormed(), "not well-formed Unicode (a lone surrogate)")
  .refine((key) => encoder.encode(key).length <= MAX_ENTITY_KEY_BYTES, `at most ${MAX_ENTITY_KEY_BYTES} bytes in UTF-8`)
  .brand<"EntityKey">()
  .describe("Entity key: a string of 1–256 bytes in UTF-8 (percent-encoded in paths)");
export type EntityKey = z.infer<typeof EntityKeySchema>;

/**
 * The same rule as {@link EntityKeySchema} in plain code, for the hot path (a message's route
 * checks its key on every call): true exactly when the schema accepts `key`. Use the schema for
 * the error when it is false. A unit test holds the two to the same answers.
 */
export function isEntityKey(key: unknown): key is EntityKey {
  return typeof key === "string" && key.length >= 1 && key.length <= MAX_ENTITY_KEY_BYTES && key.isWellFormed() && (key.length * 3 <= MAX_ENTITY_KEY_BYTES || encoder.encode(key).length <= MAX_ENTITY_KEY_BYTES);
}

/** A message id (the dedup key): 1–256 printable ASCII characters without spaces. Longer keys are refused, not truncated. */
export const MessageIdSchema = z.string().min(1).max(256).regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces").brand<"MessageId">().describe("Message id / Idempotency-Key: 1–256 printable ASCII characters");
export type MessageId = z.infer<typeof MessageIdSchema>;

/** An event id: 1–128 characters of `A-Z a-z 0-9 . _ : -`. */
export const EventIdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, "letters, digits and . _ : -").brand<"EventId">().describe("Event id: 1–128 of [A-Za-z0-9._:-]");
export type EventId = z.infer<typeof EventIdSchema>;

/** A job id: `j<shard>_<random>`; 1–128 characters of `A-Z a-z 0-9 _ -`. */
export const JobIdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, "letters, digits, '_' and '-'").brand<"JobId">().describe("Job id: 1–128 of [A-Za-z0-9_-]");
export type JobId = z.infer<typeof JobIdSchema>;

/** A request id (`X-Request-Id`): 1–255 characters of `A-Z a-z 0-9 _ - =` (hono's request-id charset). */
export const RequestIdSchema = z.string().min(1).max(255).regex(/^[\w\-=]+$/, "letters, digits, '_', '-' and '='").brand<"RequestId">().describe("Request id: 1–255 of [A-Za-z0-9_=-]");
export type RequestId = z.infer<typeof RequestIdSchema>;

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EntityKeySchema, EnvelopeSchema, isEntityKey, isEnvelope, MAX_ENTITY_KEY_BYTES } from "../../src/spec/index.ts";

/** The hot path's plain checks give the schemas' answers, on strings and envelopes near every edge. */
const RUNS = { numRuns: 2_000, seed: 20261202 };
// Envelopes are dearer to parse (up to 34 headers, two regexes each): half as many.
const ENVELOPE_RUNS = { ...RUNS, numRuns: 1_000 };

describe("isEntityKey is EntityKeySchema", () => {
  const keys = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: "grapheme", maxLength: 100 }),
    fc.string({ unit: "binary", maxLength: 90 }), // lone surrogates included
    fc.integer({ min: 0, max: 3 }).chain((n) => fc.constant("ä".repeat(MAX_ENTITY_KEY_BYTES / 2 - 1 + n))), // 254–260 bytes
    fc.constantFrom("", "a", "x".repeat(256), "x".repeat(257), "\uD800", "🔑".repeat(64), "🔑".repeat(65)),
  );
  it("agrees on every key", () => fc.assert(fc.property(keys, (k) => isEntityKey(k) === EntityKeySchema.safeParse(k).success), RUNS));
});

describe("isEnvelope is EnvelopeSchema, unchanged", () => {
  const validHeader = fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,63}$/), fc.string({ maxLength: 40 }));
  const anyHeader = fc.tuple(fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,63}$/), fc.string({ maxLength: 70 })), fc.oneof(fc.string({ maxLength: 1_030 }), fc.constant("a\nb"), fc.integer()));
  // Around the count limit with valid headers, or a few of any kind.
  const headerSets = fc.oneof(fc.array(validHeader, { minLength: 30, maxLength: 34 }), fc.array(anyHeader, { maxLength: 5 }));
  const envelopes = fc.record(
    {
      type: fc.oneof(fc.string({ minLength: 1, maxLength: 128 }), fc.constantFrom("", "t".repeat(129))),
      entityType: fc.oneof(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/), fc.string({ maxLength: 70 })),
      payload: fc.jsonValue(),
      headers: headerSets.map((entries) => Object.fromEntries(entries) as Record<string, unknown>),
      ttlMs: fc.oneof(fc.integer({ min: -5, max: 86_400_005 }), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER + 2)),
      createdAt: fc.oneof(fc.integer({ min: -5, max: Number.MAX_SAFE_INTEGER }), fc.double(), fc.constant(2 ** 60)),
      messageId: fc.oneof(fc.stringMatching(/^[\x21-\x7e]{1,256}$/), fc.string({ maxLength: 260 })),
    },
    { requiredKeys: ["type", "headers", "createdAt"] },
  );
  it("accepts exactly what the schema accepts, and the schema returns it unchanged", () =>
    fc.assert(
      fc.property(envelopes, (candidate) => {
        const parsed = EnvelopeSchema.safeParse(candidate);
        expect(isEnvelope(candidate)).toBe(parsed.success);
        if (parsed.success) expect(parsed.data).toEqual(candidate);
      }),
      ENVELOPE_RUNS,
    ));
});

import { describe, expect, it } from "vitest";
import { EntityKeySchema, EntityTypeSchema, EventIdSchema, JobIdSchema, MessageIdSchema, RequestIdSchema, ShardIdSchema, TenantIdSchema, UserIdSchema } from "../../src/spec/index.ts";

const cases = [
  ["TenantId", TenantIdSchema, ["acme", "a", "acme-co-2", "a".repeat(63)], ["", "Acme", "1acme", "acme_co", "a".repeat(64), "ac me"]],
  ["UserId", UserIdSchema, ["u1", "alice@example.com", "a:b.c~d+e=f-g_h", "x".repeat(128)], ["", "a b", "a/b", "x".repeat(129), "é"]],
  ["EntityType", EntityTypeSchema, ["Counter", "order_v2", "a-b"], ["", "1abc", "_x", "a/b", "a".repeat(65)]],
  // Any string of 1–256 UTF-8 bytes: "é" is 2 bytes, "🚀" is 4 (two UTF-16 units).
  ["EntityKey", EntityKeySchema, ["k", "user:123", "a b", "a/b", "orders/2026/42", "ключ/🔑 space", "\u0000", "x".repeat(256), "é".repeat(128), "🚀".repeat(64)], ["", "x".repeat(257), "é".repeat(128) + "x", "🚀".repeat(64) + "x", "\ud800", "a\udc00b"]],
  ["MessageId", MessageIdSchema, ["m", "order/1#2", "~".repeat(256)], ["", "a b", "x".repeat(257), "ü"]],
  ["EventId", EventIdSchema, ["evt_1", "a.b:c-d"], ["", "a b", "a/b", "x".repeat(129)]],
  ["JobId", JobIdSchema, ["j3_abc-DEF"], ["", "j3.abc", "x".repeat(129)]],
  ["RequestId", RequestIdSchema, ["abc-123_=="], ["", "a b", "a.b", "x".repeat(256)]],
] as const;

describe.each(cases)("%s", (_name, schema, good, bad) => {
  it("accepts its documented charset and length", () => {
    for (const value of good) expect(schema.safeParse(value).success, value).toBe(true);
  });

  it("refuses everything else", () => {
    for (const value of bad) expect(schema.safeParse(value).success, value).toBe(false);
  });

  it("is described", () => {
    expect(schema.description).toBeTruthy();
  });
});

describe("ShardId", () => {
  it("is an integer in 0..65535", () => {
    expect(ShardIdSchema.safeParse(0).success).toBe(true);
    expect(ShardIdSchema.safeParse(65_535).success).toBe(true);
    expect(ShardIdSchema.safeParse(-1).success).toBe(false);
    expect(ShardIdSchema.safeParse(1.5).success).toBe(false);
    expect(ShardIdSchema.safeParse(65_536).success).toBe(false);
  });
});

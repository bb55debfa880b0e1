import { describe, expect, it } from "vitest";
import { CallerHeadersSchema, EnvelopeSchema, isExpired, isReservedHeader, remainingTtl, RESERVED_HEADER_PREFIX } from "../../src/spec/index.ts";

describe("envelope TTL", () => {
  const envelope = { createdAt: 1_000, ttlMs: 500 };

  it("counts the remaining time down to zero, never below", () => {
    expect(remainingTtl(envelope, 1_000)).toBe(500);
    expect(remainingTtl(envelope, 1_499)).toBe(1);
    expect(remainingTtl(envelope, 1_500)).toBe(0);
    expect(remainingTtl(envelope, 9_999)).toBe(0);
  });

  it("is expired from createdAt + ttlMs on", () => {
    expect(isExpired(envelope, 1_499)).toBe(false);
    expect(isExpired(envelope, 1_500)).toBe(true);
  });

  it("never expires without a TTL", () => {
    expect(remainingTtl({ createdAt: 0 }, Number.MAX_SAFE_INTEGER)).toBe(Number.POSITIVE_INFINITY);
    expect(isExpired({ createdAt: 0 }, Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});

describe("reserved header prefix", () => {
  it("is x-cluster-, matched case-insensitively", () => {
    expect(RESERVED_HEADER_PREFIX).toBe("x-cluster-");
    expect(isReservedHeader("x-cluster-tenant")).toBe(true);
    expect(isReservedHeader("X-Cluster-Tenant")).toBe(true);
    expect(isReservedHeader("x-clusterfoo")).toBe(false);
    expect(isReservedHeader("trace-id")).toBe(false);
  });

  it("is refused in caller headers with the header's path", () => {
    const result = CallerHeadersSchema.safeParse({ "trace-id": "a", "x-cluster-shard": "3" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["x-cluster-shard"]);
    expect(CallerHeadersSchema.safeParse({ "trace-id": "a" }).success).toBe(true);
  });

  it("refuses upper-case names, CR/LF in values and more than 32 headers", () => {
    expect(CallerHeadersSchema.safeParse({ "Trace-Id": "a" }).success).toBe(false);
    expect(CallerHeadersSchema.safeParse({ a: "x\r\ny: z" }).success).toBe(false);
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`h${i}`, "v"]));
    expect(CallerHeadersSchema.safeParse(many).success).toBe(false);
  });
});

describe("EnvelopeSchema", () => {
  it("accepts a full envelope and defaults headers to {}", () => {
    const parsed = EnvelopeSchema.parse({ type: "increment", payload: { by: 1 }, createdAt: 5, ttlMs: 100, messageId: "m-1" });
    expect(parsed.headers).toEqual({});
    expect(parsed.messageId).toBe("m-1");
  });

  it("refuses a negative createdAt, a zero TTL and an empty type with their paths", () => {
    const result = EnvelopeSchema.safeParse({ type: "", payload: null, createdAt: -1, ttlMs: 0 });
    expect(result.error?.issues.map((i) => i.path.join(".")).sort()).toEqual(["createdAt", "ttlMs", "type"]);
  });
});

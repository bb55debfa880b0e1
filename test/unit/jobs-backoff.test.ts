import { describe, expect, it } from "vitest";
import { backoffCap, backoffDelay, DEFAULT_BACKOFF } from "../../src/jobs/backoff.ts";
import { defineJob } from "../../src/jobs/define.ts";
import { JOB_SHARDS, newJobId, shardOfJobId } from "../../src/jobs/job-id.ts";
import { z } from "zod";

describe("job backoff (full jitter)", () => {
  it("caps attempt n at min(maxMs, baseMs · 2^(n−1))", () => {
    expect([1, 2, 3, 4, 5, 9, 10, 100].map((n) => backoffCap(n))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 256_000, 300_000, 300_000]);
    expect(backoffCap(3, { baseMs: 50, maxMs: 400 })).toBe(200);
    expect(backoffCap(0)).toBe(1_000);
  });

  it("draws uniformly in [0, cap): the clock's random is injected", () => {
    expect(backoffDelay(4, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelay(4, DEFAULT_BACKOFF, () => 0.5)).toBe(4_000);
    expect(backoffDelay(4, DEFAULT_BACKOFF, () => 0.999_999)).toBe(7_999);
    const schedule = [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, { baseMs: 10_000, maxMs: 60_000 }, () => 0.25));
    expect(schedule).toEqual([2_500, 5_000, 10_000, 15_000, 15_000, 15_000]);
  });

  it("stays within its bounds for random draws", () => {
    for (let n = 1; n <= 20; n++) {
      const delay = backoffDelay(n);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(backoffCap(n));
    }
  });
});

describe("defineJob", () => {
  it("fills the defaults: 5 attempts, 30 s timeout, the shard's 8 slots", () => {
    const job = defineJob({ type: "a.b", input: z.object({}), handler: () => null });
    expect([job.maxAttempts, job.timeoutMs, job.concurrency, job.backoff]).toEqual([5, 30_000, 8, DEFAULT_BACKOFF]);
  });

  it("refuses a bad type or option, naming the field", () => {
    expect(() => defineJob({ type: "Bad Type", input: z.object({}), handler: () => null })).toThrow(/type 'Bad Type'/);
    expect(() => defineJob({ type: "a.b", input: z.object({}), handler: () => null, maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => defineJob({ type: "a.b", input: z.object({}), handler: () => null, concurrency: 9 })).toThrow(/concurrency/);
  });
});

describe("job ids", () => {
  it("name their shard", () => {
    for (let shard = 0; shard < JOB_SHARDS; shard++) expect(shardOfJobId(newJobId(shard))).toBe(shard);
    expect(shardOfJobId(`j16_${"a".repeat(32)}`)).toBeNull();
    expect(shardOfJobId("j1_short")).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { JITTER, MAX_ATTEMPTS, nextRetryDelayMs, parseRetryAfter, RETRY_SCHEDULE_SECONDS } from "../../src/webhooks/schedule.ts";

const middle = { random: () => 0.5 };

describe("webhook retry schedule", () => {
  it("follows the specification: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h", () => {
    expect(RETRY_SCHEDULE_SECONDS).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]);
    expect(MAX_ATTEMPTS).toBe(10);
    const delays = Array.from({ length: 9 }, (_, i) => nextRetryDelayMs(i + 1, middle));
    expect(delays).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000]);
  });

  it("dead-letters after the tenth failed attempt", () => {
    expect(nextRetryDelayMs(9, middle)).toBe(86_400_000);
    expect(nextRetryDelayMs(10, middle)).toBeNull();
    expect(nextRetryDelayMs(0, middle)).toBeNull();
  });

  it("jitters each delay within ±10%", () => {
    expect(nextRetryDelayMs(2, { random: () => 0 })).toBe(300_000 * (1 - JITTER));
    expect(nextRetryDelayMs(2, { random: () => 0.999999 })).toBeCloseTo(300_000 * (1 + JITTER), -1);
    const samples = Array.from({ length: 200 }, () => nextRetryDelayMs(3) ?? 0);
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(1_620_000);
    expect(Math.max(...samples)).toBeLessThanOrEqual(1_980_000);
    expect(new Set(samples).size).toBeGreaterThan(1);
  });

  it("scales the whole schedule with WEBHOOK_RETRY_SCHEDULE_SCALE", () => {
    expect(nextRetryDelayMs(2, { ...middle, scale: 0.001 })).toBe(300);
  });

  it("never retries earlier than a Retry-After asks, up to 24 h", () => {
    expect(nextRetryDelayMs(1, middle, 60_000)).toBe(60_000);
    expect(nextRetryDelayMs(2, middle, 1_000)).toBe(300_000);
    expect(nextRetryDelayMs(1, middle, 10 * 86_400_000)).toBe(86_400_000);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { retryDelayMs } from "../../src/workflows/define-saga.ts";

describe("retryDelayMs: the wait between a saga step's attempts", () => {
  it("doubles an exponential delay from the first retry", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs({ limit: 5, delay: 500 }, n))).toEqual([500, 1_000, 2_000, 4_000]);
  });

  it("keeps a constant delay and grows a linear one by the attempt", () => {
    expect([1, 2, 3].map((n) => retryDelayMs({ limit: 5, delay: 100, backoff: "constant" }, n))).toEqual([100, 100, 100]);
    expect([1, 2, 3].map((n) => retryDelayMs({ limit: 5, delay: 100, backoff: "linear" }, n))).toEqual([100, 200, 300]);
  });

  it("reads durations in seconds, minutes and hours, singular or plural", () => {
    expect(retryDelayMs({ limit: 1, delay: "1 second", backoff: "constant" }, 1)).toBe(1_000);
    expect(retryDelayMs({ limit: 1, delay: "2 minutes", backoff: "constant" }, 1)).toBe(120_000);
    expect(retryDelayMs({ limit: 1, delay: "1 hour" }, 2)).toBe(7_200_000);
  });
});

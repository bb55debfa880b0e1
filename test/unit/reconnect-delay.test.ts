import { describe, expect, it } from "vitest";
import { DEFAULT_RECONNECT, reconnectDelay, shouldReconnect } from "../../src/realtime/client/index.ts";

describe("reconnectDelay", () => {
  it("connects immediately for attempt 0", () => {
    expect(reconnectDelay(0, DEFAULT_RECONNECT, 0.5)).toBe(0);
  });

  it("waits between 1 and 5 seconds before the first retry, by the random draw", () => {
    expect(reconnectDelay(1, DEFAULT_RECONNECT, 0)).toBe(1_000);
    expect(reconnectDelay(1, DEFAULT_RECONNECT, 0.5)).toBe(3_000);
    expect(reconnectDelay(1, DEFAULT_RECONNECT, 0.999_999)).toBeLessThan(5_000);
  });

  it("grows by the factor 1.3 per further attempt", () => {
    expect(reconnectDelay(2, DEFAULT_RECONNECT, 0)).toBeCloseTo(1_300);
    expect(reconnectDelay(3, DEFAULT_RECONNECT, 0)).toBeCloseTo(1_690);
    expect(reconnectDelay(4, DEFAULT_RECONNECT, 0.25)).toBeCloseTo(2_000 * 1.3 ** 3);
  });

  it("never exceeds the 10 second cap, however many attempts", () => {
    for (const random of [0, 0.5, 0.999]) {
      for (let attempt = 1; attempt <= 60; attempt++) expect(reconnectDelay(attempt, DEFAULT_RECONNECT, random)).toBeLessThanOrEqual(10_000);
    }
    expect(reconnectDelay(50, DEFAULT_RECONNECT, 0)).toBe(10_000);
  });

  it("never decreases from one attempt to the next for the same draw", () => {
    let previous = 0;
    for (let attempt = 0; attempt <= 30; attempt++) {
      const delay = reconnectDelay(attempt, DEFAULT_RECONNECT, 0.7);
      expect(delay).toBeGreaterThanOrEqual(previous);
      previous = delay;
    }
  });

  it("uses the options it is given", () => {
    const options = { minReconnectionDelay: 100, reconnectionJitter: 0, reconnectionDelayGrowFactor: 2, maxReconnectionDelay: 500 };
    expect([1, 2, 3, 4].map((a) => reconnectDelay(a, options, 0.9))).toEqual([100, 200, 400, 500]);
  });
});

describe("shouldReconnect", () => {
  it("gives up after 4001 (replaced) and 1008 (policy) and reconnects after any other code", () => {
    expect(shouldReconnect(4001)).toBe(false);
    expect(shouldReconnect(1008)).toBe(false);
    for (const code of [1000, 1001, 1006, 1009, 1011, 1012, 4000]) expect(shouldReconnect(code)).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { parseLastSeq, planResume } from "../../src/realtime/resume.ts";

const user = { floor: 0, loggedFrom: 0 };

describe("resume selection", () => {
  it("goes live without an id", () => {
    expect(planResume(undefined, 10, 0, [user])).toEqual({ kind: "live" });
  });

  it("replays after the id when the log covers every stream since", () => {
    expect(planResume(5, 10, 4, [user, { floor: 3, loggedFrom: 2 }])).toEqual({ kind: "replay", after: 5 });
    expect(planResume(10, 10, 0, [user])).toEqual({ kind: "replay", after: 10 });
  });

  it("resets when the id is older than the age floor or a stream's trimmed floor", () => {
    expect(planResume(5, 10, 6, [user])).toEqual({ kind: "reset", reason: "trimmed" });
    expect(planResume(5, 10, 0, [{ floor: 6, loggedFrom: 0 }])).toEqual({ kind: "reset", reason: "trimmed" });
    expect(planResume(6, 10, 0, [{ floor: 6, loggedFrom: 0 }])).toEqual({ kind: "replay", after: 6 });
  });

  it("resets for a topic the gateway did not log since the id, or does not know", () => {
    expect(planResume(5, 10, 0, [user, { floor: 0, loggedFrom: 7 }])).toEqual({ kind: "reset", reason: "not_logged" });
    expect(planResume(5, 10, 0, [{ floor: 0, loggedFrom: undefined }])).toEqual({ kind: "reset", reason: "not_logged" });
  });

  it("resets for an id newer than the gateway's seq (another gateway, or a wiped one)", () => {
    expect(planResume(11, 10, 0, [user])).toEqual({ kind: "reset", reason: "unknown_seq" });
  });

  it("reads Last-Event-ID values: digits only, empty or malformed is a fresh start", () => {
    expect(parseLastSeq("42")).toBe(42);
    expect(parseLastSeq(" 42 ")).toBe(42);
    for (const bad of [null, undefined, "", "-1", "1.5", "abc", "1e3", "9".repeat(16)]) expect(parseLastSeq(bad)).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { compensationOrder, newRecord, recordAttempt, recordDone, recordFailure, recordStatus } from "../../src/workflows/saga-record.ts";

const steps = [{ name: "a", compensate: 1 }, { name: "b" }, { name: "c", compensate: 1 }, { name: "d", compensate: 1 }];

describe("compensation order", () => {
  it("undoes the completed steps that declare a compensation, latest first", () => {
    expect(compensationOrder(steps, new Set(["a", "b", "c"])).map((s) => s.name)).toEqual(["c", "a"]);
  });

  it("undoes nothing when the first step failed, and never the failed step itself", () => {
    expect(compensationOrder(steps, new Set())).toEqual([]);
    expect(compensationOrder(steps, new Set(["a", "b", "c", "d"])).map((s) => s.name)).toEqual(["d", "c", "a"]);
  });
});

describe("the saga record", () => {
  const start = newRecord("i1", "order", ["a", "b"], 1);

  it("counts attempts and keeps the first start time", () => {
    const r = recordAttempt(recordAttempt(start, "a", "run", 5), "a", "run", 9);
    expect(r.steps[0]).toMatchObject({ status: "running", attempts: 2, startedAt: 5 });
    expect(recordDone(r, "a", "run", 12).steps[0]).toMatchObject({ status: "completed", finishedAt: 12 });
  });

  it("marks a step failed only on its final failure, keeping the last cause", () => {
    const once = recordFailure(start, "a", "run", { message: "x" }, false, 3);
    expect(once.steps[0]).toMatchObject({ status: "pending", error: { message: "x" } });
    expect(recordFailure(once, "a", "run", { message: "y" }, true, 4).steps[0]).toMatchObject({ status: "failed", error: { message: "y" } });
  });

  it("keeps the original cause when a compensation fails, and skips steps that never ran", () => {
    const compensating = recordStatus(start, "compensating", 5, { cause: { message: "first" } });
    const failed = recordStatus(compensating, "compensation_failed", 6, { cause: { message: "other" }, compensationCause: { message: "undo" } });
    expect(failed).toMatchObject({ status: "compensation_failed", cause: { message: "first" }, compensationCause: { message: "undo" }, finishedAt: 6 });
    expect(failed.steps.map((s) => s.status)).toEqual(["skipped", "skipped"]);
  });

  it("ignores any change of status once final", () => {
    const done = recordStatus(start, "completed", 5);
    expect(recordStatus(done, "compensating", 6)).toBe(done);
  });
});

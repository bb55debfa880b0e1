import { describe, expect, it } from "vitest";
import { selectTicks } from "../../src/singleton/catch-up.ts";
import { checkDeclaredBudget, MAX_TASKS_PER_SINGLETON, MAX_TICKS_PER_SECOND, ticksPerSecond } from "../../src/singleton/budget.ts";
import { dueTicks, firstTick, intervalMs, nextTick, validateSchedule } from "../../src/singleton/schedule.ts";
import { retryDelay } from "../../src/singleton/scheduler.ts";
import { tickId } from "../../src/singleton/runs.ts";
import { type AppError } from "../../src/spec/index.ts";

const H = 3_600_000;
const t = (iso: string) => Date.parse(iso);
const errorOf = (work: () => void) => {
  try {
    work();
  } catch (err) {
    return err as AppError;
  }
  throw new Error("expected an error");
};

describe("schedules", () => {
  it("parses intervals in ms, s, m and h", () => {
    expect(["1500ms", "30s", "5m", "2h"].map(intervalMs)).toEqual([1500, 30_000, 300_000, 7_200_000]);
  });

  it("fires a 0 9 * * * task in America/New_York at 09:00 local across both DST changes", () => {
    const schedule = { cron: "0 9 * * *", tz: "America/New_York" };
    const spring = [t("2026-03-07T14:00:00Z")];
    for (let i = 0; i < 2; i++) spring.push(nextTick(schedule, spring.at(-1) ?? 0) ?? 0);
    expect(spring.map((x) => new Date(x).toISOString())).toEqual(["2026-03-07T14:00:00.000Z", "2026-03-08T13:00:00.000Z", "2026-03-09T13:00:00.000Z"]);
    const fall = nextTick(schedule, t("2026-10-31T13:00:00Z"));
    expect(new Date(fall ?? 0).toISOString()).toBe("2026-11-01T14:00:00.000Z");
  });

  it("accepts 6-field cron with seconds first", () => {
    expect(nextTick({ cron: "*/5 * * * * *" }, t("2026-01-01T00:00:05Z"))).toBe(t("2026-01-01T00:00:10Z"));
  });

  it("computes the next tick from the scheduled time of the previous one, never from the clock", () => {
    const schedule = { every: "30s" };
    expect(firstTick(schedule, 1_000)).toBe(31_000);
    expect(nextTick(schedule, 31_000)).toBe(61_000);
    expect(nextTick({ at: "2030-01-01T00:00:00Z" }, t("2030-01-01T00:00:00Z"))).toBeNull();
    expect(firstTick({ delayMs: 500 }, 1_000)).toBe(1_500);
  });

  it.each([
    [{ cron: "61 * * * *" }, "schedule.cron"],
    [{ cron: "0 9 * * *", tz: "Mars/Olympus" }, "schedule.tz"],
    [{ at: "2000-01-01T00:00:00Z" }, "schedule.at"],
    [{ every: "500ms" }, "schedule.every"],
  ])("refuses %j with 400 at %s", (schedule, path) => {
    const err = errorOf(() => validateSchedule(schedule, Date.now()));
    expect(err.status).toBe(400);
    expect(err.extra.errors?.[0]?.path).toBe(path);
  });
});

describe("catch-up after three days down (hourly task)", () => {
  const schedule = { every: "1h" };
  const from = t("2026-01-01T00:00:00Z");
  const now = from + 71 * H + 30 * 60_000;

  it("counts 72 due ticks", () => {
    expect(dueTicks(schedule, from, now, 1).count).toBe(72);
  });

  it("skip runs only the latest tick", () => {
    expect(selectTicks(schedule, from, now, "skip")).toEqual({ run: [from + 71 * H], dropped: 71, next: from + 72 * H });
  });

  it("all runs every tick in order, up to the cap (latest ones)", () => {
    const all = selectTicks(schedule, from, now, "all");
    expect(all.run).toEqual(Array.from({ length: 72 }, (_, i) => from + i * H));
    expect(all.dropped).toBe(0);
    const capped = selectTicks(schedule, from, now, "all", 10);
    expect(capped.run).toEqual(Array.from({ length: 10 }, (_, i) => from + (62 + i) * H));
    expect(capped.dropped).toBe(62);
  });

  it("none drops every missed tick but runs one that is on time", () => {
    expect(selectTicks(schedule, from, now, "none")).toEqual({ run: [], dropped: 72, next: from + 72 * H });
    expect(selectTicks(schedule, from, from + 5_000, "none").run).toEqual([from]);
  });

  it("enumerates cron ticks the same way", () => {
    const cron = selectTicks({ cron: "0 * * * *" }, from, now, "all");
    expect(cron.run).toHaveLength(72);
    expect(cron.next).toBe(from + 72 * H);
  });

  it("takes a one-shot tick once and then ends", () => {
    expect(selectTicks({ delayMs: 10 }, 5_000, 9_000, "skip")).toEqual({ run: [5_000], dropped: 0, next: null });
  });
});

describe("ticks and retries", () => {
  it("names a tick <taskId>@<ISO scheduled time>", () => {
    expect(tickId("report", t("2026-01-01T09:00:00Z"))).toBe("report@2026-01-01T09:00:00.000Z");
  });

  it("backs off exponentially with ±50 % jitter, capped at 5 minutes", () => {
    expect([1, 2, 3].map((n) => retryDelay(n, () => 1))).toEqual([1000, 2000, 4000]);
    expect(retryDelay(1, () => 0)).toBe(500);
    expect(retryDelay(30, () => 1)).toBe(300_000);
  });
});

describe("schedule budget", () => {
  it("counts each schedule at its fastest pace", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect([{ every: "1s" }, { every: "250s" }, { cron: "*/5 * * * * *" }, { cron: "0-9 * * * * *" }, { cron: "0 * * * *" }, { at: "2027-01-01T00:00:00Z" }, { delayMs: 5 }].map((s) => ticksPerSecond(s, now))).toEqual([1, 0.004, 0.2, 1, 1 / 3600, 0, 0]);
  });

  it("refuses an application that declares more than the budget in one singleton, naming it", () => {
    expect(() => checkDeclaredBudget("ops", Array.from({ length: MAX_TICKS_PER_SECOND }, () => ({ every: "1s" })))).not.toThrow();
    expect(() => checkDeclaredBudget("ops", Array.from({ length: MAX_TICKS_PER_SECOND + 1 }, () => ({ every: "1s" })))).toThrow(/singleton 'ops' declares tasks ticking 101 times a second; the budget is 100/);
    expect(() => checkDeclaredBudget("ops", Array.from({ length: MAX_TASKS_PER_SINGLETON + 1 }, () => ({ delayMs: 1 })))).toThrow(/at most 10000/);
  });
});

import { describe, expect, it } from "vitest";
import { MAX_TASKS_PER_SINGLETON, MAX_TICKS_PER_SECOND } from "../../src/singleton/budget.ts";
import { counterTask, singletonRows, taskApi, uniqueName } from "./singleton-helpers.ts";

const put = (name: string, id: string, body: unknown) => taskApi(name, `/${id}`, { method: "PUT", body });
const problemOf = async (res: Response) => ({ status: res.status, ...(await res.json<Record<string, unknown>>()) });

describe("scheduling caps", () => {
  it(`takes ${MAX_TICKS_PER_SECOND} ticks a second in one singleton and refuses one more with 422 schedule_budget_exceeded`, async () => {
    const name = uniqueName("budget");
    for (let i = 0; i < MAX_TICKS_PER_SECOND; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, (_, j) => put(name, `t${i + j}`, counterTask("budget", { schedule: { every: "1s" }, paused: true }))));
      expect(batch.map((r) => r.status)).toEqual(batch.map(() => 201));
    }
    const past = await problemOf(await put(name, "one-more", counterTask("budget", { schedule: { cron: "* * * * * *" } })));
    expect(past).toMatchObject({ status: 422, code: "schedule_budget_exceeded", budget: "ticksPerSecond", limit: MAX_TICKS_PER_SECOND, current: 100, requested: 1 });
    // A one-shot adds no pace; changing a task to a slower schedule frees budget for another.
    expect((await put(name, "once", counterTask("budget", { schedule: { delayMs: 60_000 } }))).status).toBe(201);
    expect((await put(name, "t0", counterTask("budget", { schedule: { every: "2s" }, paused: true }))).status).toBe(200);
    expect((await put(name, "half", counterTask("budget", { schedule: { every: "2s" } }))).status).toBe(201);
    expect(await singletonRows(name, "SELECT COUNT(*) AS n, SUM(rate) AS rate FROM tasks")).toEqual([{ n: MAX_TICKS_PER_SECOND + 2, rate: 100 }]);
  });

  it("counts a cron expression at its fastest: ten ticks in a row each minute is one a second", async () => {
    const name = uniqueName("budget");
    expect((await put(name, "burst", counterTask("budget", { schedule: { cron: "0-9 * * * * *" } }))).status).toBe(201);
    expect(await singletonRows(name, "SELECT rate FROM tasks WHERE task_id = 'burst'")).toEqual([{ rate: 1 }]);
  });

  it("takes one tick a second and refuses a faster interval with 400", async () => {
    const name = uniqueName("budget");
    expect((await put(name, "second", counterTask("budget", { schedule: { every: "1s" } }))).status).toBe(201);
    expect(await problemOf(await put(name, "faster", counterTask("budget", { schedule: { every: "999ms" } })))).toMatchObject({ status: 400, code: "validation_failed" });
  });

  it(`holds ${MAX_TASKS_PER_SINGLETON} tasks in one singleton and refuses one more`, async () => {
    const name = uniqueName("budget");
    expect((await put(name, "first", counterTask("budget"))).status).toBe(201);
    // The other 9,998 stored directly (one-shots far ahead), as 9,998 PUTs would take minutes.
    await singletonRows(name, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${MAX_TASKS_PER_SINGLETON - 2})
      INSERT INTO tasks (task_id, source, spec, schedule, action, catch_up, catch_up_cap, max_attempts, paused, anchor, next_run_at, created_at, updated_at, rate)
      SELECT 'seed' || i, 'http', '[]', '{"delayMs":31536000000}', NULL, 'skip', 1, 5, 1, 0, NULL, 0, 0, 0 FROM n`);
    expect((await put(name, "last", counterTask("budget", { schedule: { delayMs: 60_000 } }))).status).toBe(201);
    expect(await problemOf(await put(name, "past", counterTask("budget", { schedule: { delayMs: 60_000 } })))).toMatchObject({ status: 422, code: "schedule_budget_exceeded", budget: "tasks", limit: MAX_TASKS_PER_SINGLETON });
    expect(await singletonRows(name, "SELECT COUNT(*) AS n FROM tasks")).toEqual([{ n: MAX_TASKS_PER_SINGLETON }]);
  });
});

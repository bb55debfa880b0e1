import { AppError, type Schedule } from "../spec/index.ts";
import { MAX_TASKS_PER_SINGLETON, MAX_TICKS_PER_SECOND, round, ticksPerSecond } from "./budget.ts";

const exceeded = (detail: string, extra: Record<string, unknown>) => new AppError("schedule_budget_exceeded", detail, { extra });

/**
 * Refuses (422 `schedule_budget_exceeded`) a task that would take its singleton past
 * `MAX_TASKS_PER_SINGLETON` tasks or `MAX_TICKS_PER_SECOND`. Tasks stored before their pace was
 * recorded get it recorded here.
 */
export function assertScheduleBudget(sql: SqlStorage, id: string, schedule: Schedule, now: number): number {
  for (const row of sql.exec<{ task_id: string; schedule: string }>("SELECT task_id, schedule FROM tasks WHERE rate IS NULL").toArray()) {
    sql.exec("UPDATE tasks SET rate = ? WHERE task_id = ?", ticksPerSecond(JSON.parse(row.schedule) as Schedule, now), row.task_id);
  }
  const others = sql.exec<{ n: number; rate: number | null }>("SELECT COUNT(*) AS n, SUM(rate) AS rate FROM tasks WHERE task_id != ?", id).one();
  if (others.n + 1 > MAX_TASKS_PER_SINGLETON) throw exceeded(`a singleton holds at most ${MAX_TASKS_PER_SINGLETON} tasks`, { limit: MAX_TASKS_PER_SINGLETON, budget: "tasks" });
  const rate = ticksPerSecond(schedule, now);
  const total = (others.rate ?? 0) + rate;
  if (total > MAX_TICKS_PER_SECOND + 1e-9) {
    throw exceeded(`this task adds ${round(rate)} ticks a second to the singleton's ${round(others.rate ?? 0)}; the budget is ${MAX_TICKS_PER_SECOND}`, { limit: MAX_TICKS_PER_SECOND, budget: "ticksPerSecond", current: round(others.rate ?? 0), requested: round(rate) });
  }
  return rate;
}

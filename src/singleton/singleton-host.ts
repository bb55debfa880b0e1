import type { Router } from "../shards/index.ts";
import { AppError, type TaskId, type TaskPut, type TaskRun, type TaskView } from "../spec/index.ts";
import { runAction, type ActionEvents, type ActionJobs } from "./actions.ts";
import { DEFAULT_CATCH_UP_CAP } from "./catch-up.ts";
import { ticksPerSecond } from "./budget.ts";
import { assertScheduleBudget } from "./budget-store.ts";
import type { ScheduleRegistry } from "./registry.ts";
import { listRuns } from "./runs.ts";
import { Scheduler, type Tick } from "./scheduler.ts";
import { runServiceTick } from "./services.ts";
import { deleteTask, getTask, listTasks, retireCodeTasks, setPaused, upsertTask, type TaskRow } from "./task-store.ts";
import type { ClusterEnv } from "../env.ts";
import { clock } from "../clock.ts";

export interface SingletonDeps {
  readonly env: ClusterEnv;
  readonly router: Router;
  readonly schedules: ScheduleRegistry;
  readonly allowPrivateUrls: boolean;
  readonly events?: ActionEvents;
  readonly jobs?: ActionJobs;
}

/**
 * Everything a singleton object does apart from the platform callbacks: it knows its name (stored
 * on first use), keeps the tasks declared in code in step with the code, serves the task API,
 * and runs ticks through its {@link Scheduler}.
 */
export class SingletonHost {
  readonly scheduler: Scheduler;
  #name: string | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly deps: SingletonDeps,
  ) {
    this.scheduler = new Scheduler(storage, (task, tick) => this.#runTick(task, tick));
  }

  /** Binds the name on first use (or reads it back) and upserts/retires the tasks declared in code. */
  async activate(name: string | undefined): Promise<void> {
    if (this.#name !== undefined) return;
    const sql = this.storage.sql;
    const stored = sql.exec<{ v: string }>("SELECT v FROM singleton_meta WHERE k = 'name'").toArray()[0]?.v;
    const bound = stored ?? name;
    if (bound === undefined) return;
    if (stored === undefined) sql.exec("INSERT INTO singleton_meta (k, v) VALUES ('name', ?)", bound);
    this.#name = bound;
    const declared = this.deps.schedules.tasksFor(bound);
    const now = clock.now();
    this.storage.transactionSync(() => {
      for (const task of declared) upsertTask(sql, task.id, task.spec, now, ticksPerSecond(task.spec.schedule, now));
      retireCodeTasks(sql, new Set(declared.map((t) => t.id)));
    });
    await this.scheduler.arm();
  }

  get name(): string {
    if (this.#name === undefined) throw new AppError("internal", "singleton used before it knows its name");
    return this.#name;
  }

  async put(id: TaskId, put: TaskPut): Promise<{ created: boolean; task: TaskView }> {
    const existing = getTask(this.storage.sql, id);
    if (existing?.source === "code") throw new AppError("conflict", `task '${id}' is declared in code; change it in code`);
    const spec = { source: "http" as const, schedule: put.schedule, action: put.action, catchUp: put.catchUp, catchUpCap: DEFAULT_CATCH_UP_CAP, maxAttempts: put.maxAttempts, paused: put.paused };
    const now = clock.now();
    const { created } = this.storage.transactionSync(() => upsertTask(this.storage.sql, id, spec, now, assertScheduleBudget(this.storage.sql, id, put.schedule, now)));
    await this.scheduler.arm();
    return { created, task: this.view(id) };
  }

  list(): TaskView[] {
    return listTasks(this.storage.sql).map((t) => this.#toView(t));
  }

  view(id: string): TaskView {
    const task = getTask(this.storage.sql, id);
    if (!task) throw new AppError("not_found", `singleton '${this.name}' has no task '${id}'`);
    return this.#toView(task);
  }

  async remove(id: string): Promise<void> {
    if (this.view(id).source === "code") throw new AppError("conflict", `task '${id}' is declared in code; remove it from the code to retire it`);
    this.storage.transactionSync(() => deleteTask(this.storage.sql, id));
    await this.scheduler.arm();
  }

  async pause(id: string, paused: boolean): Promise<TaskView> {
    this.view(id);
    setPaused(this.storage.sql, id, paused, clock.now());
    await this.scheduler.arm();
    return this.view(id);
  }

  runs(id: string): TaskRun[] {
    this.view(id);
    return listRuns(this.storage.sql, id);
  }

  #toView(task: TaskRow): TaskView {
    const [last] = listRuns(this.storage.sql, task.id, 1);
    return {
      id: task.id, singleton: this.name, source: task.source, schedule: task.schedule, ...(task.action ? { action: task.action } : {}), catchUp: task.catchUp,
      maxAttempts: task.maxAttempts, paused: task.paused, nextRunAt: task.nextRunAt === null ? null : new Date(task.nextRunAt).toISOString(), missedTicks: task.missed,
      ...(last ? { lastRun: last } : {}),
    };
  }

  async #runTick(task: TaskRow, tick: Tick): Promise<void> {
    const { env, router, schedules, allowPrivateUrls, events, jobs } = this.deps;
    if (task.action) return runAction(task.action, tick.tickId, router, allowPrivateUrls, events, jobs);
    const code = schedules.tasksFor(this.name).find((t) => t.id === task.id);
    if (!code) throw new Error(`task '${task.id}' is no longer declared in code`);
    // A plain task is not a leader: only a leader-elected service sees true (runServiceTick sets it; CLUS-04).
    const ctx = { tickId: tick.tickId, taskId: task.id, singleton: this.name, scheduledAt: new Date(tick.scheduledAt), attempt: tick.attempt, env, router, cluster: { requestId: tick.tickId, isLeader: false } };
    if (code.service) await runServiceTick(code.service, ctx, env.SHARDS, router.registry);
    else await code.handler?.(ctx);
  }
}

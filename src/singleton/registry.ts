import type { TaskId } from "../spec/index.ts";
import type { ServiceDefinition, TaskContext, TaskDefinition } from "./define.ts";
import { checkDeclaredBudget } from "./budget.ts";
import type { TaskSpec } from "./task-store.ts";

/** A task declared in code, as a singleton stores and runs it. */
export interface CodeTask {
  readonly id: TaskId;
  readonly spec: TaskSpec;
  readonly service?: ServiceDefinition;
  readonly handler?: TaskDefinition["handler"];
}

/** Every task and service an application declares, by singleton. */
export interface ScheduleRegistry {
  /** Names of the singletons that have tasks declared in code. */
  singletons(): string[];
  tasksFor(singleton: string): CodeTask[];
  service(name: string): ServiceDefinition | undefined;
}

/** Builds the registry; a name declared twice in one singleton throws here. */
export function createScheduleRegistry(tasks: readonly TaskDefinition[], services: readonly ServiceDefinition[]): ScheduleRegistry {
  const bySingleton = new Map<string, CodeTask[]>();
  const add = (singleton: string, task: CodeTask) => {
    const list = bySingleton.get(singleton) ?? [];
    if (list.some((t) => t.id === task.id)) throw new Error(`createScheduleRegistry: task '${task.id}' is declared twice in singleton '${singleton}'`);
    bySingleton.set(singleton, [...list, task]);
  };
  for (const t of tasks) {
    add(t.singleton, { id: t.name as TaskId, handler: t.handler, spec: { source: "code", schedule: t.schedule, catchUp: t.catchUp, catchUpCap: t.catchUpCap, maxAttempts: t.maxAttempts, paused: false } });
  }
  const byName = new Map<string, ServiceDefinition>();
  for (const s of services) {
    if (byName.has(s.name)) throw new Error(`createScheduleRegistry: service '${s.name}' is declared twice`);
    byName.set(s.name, s);
    add(s.annotations.clusterId ?? s.name, { id: `service:${s.name}` as TaskId, service: s, spec: { source: "code", schedule: s.schedule, catchUp: "skip", catchUpCap: 1, maxAttempts: s.maxAttempts, paused: false } });
  }
  for (const [singleton, list] of bySingleton) checkDeclaredBudget(singleton, list.map((t) => t.spec.schedule));
  return {
    singletons: () => [...bySingleton.keys()],
    tasksFor: (singleton) => bySingleton.get(singleton) ?? [],
    service: (name) => byName.get(name),
  };
}

export type { TaskContext };

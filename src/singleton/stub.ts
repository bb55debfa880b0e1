import type { Delivery } from "../shards/delivery.ts";
import type { TaskId, TaskPut, TaskRun, TaskView } from "../spec/index.ts";

/** The RPC surface of a singleton object, as the Worker sees it. */
export interface SingletonStub {
  sync(name: string): Promise<Delivery<{ tasks: number }>>;
  putTask(name: string, id: TaskId, put: TaskPut): Promise<Delivery<{ created: boolean; task: TaskView }>>;
  listTasks(name: string): Promise<Delivery<TaskView[]>>;
  getTask(name: string, id: string): Promise<Delivery<TaskView>>;
  deleteTask(name: string, id: string): Promise<Delivery<null>>;
  setPaused(name: string, id: string, paused: boolean): Promise<Delivery<TaskView>>;
  trigger(name: string, id: string): Promise<Delivery<TaskRun>>;
  runs(name: string, id: string): Promise<Delivery<TaskRun[]>>;
}

export interface SingletonNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): SingletonStub;
}

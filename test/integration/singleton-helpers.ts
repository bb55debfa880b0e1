import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { admin, BASE } from "./helpers.ts";

export const singletonStub = (name: string) => env.SINGLETONS.get(env.SINGLETONS.idFromName(name));

/** Calls the task API of a singleton. */
export function taskApi(name: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return exports.default.fetch(`${BASE}/v1/singletons/${name}/tasks${path}`, {
    method: init.method ?? "GET",
    headers: admin({ "content-type": "application/json" }),
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

/** Runs SQL in a singleton. */
export function singletonRows<T extends Record<string, SqlStorageValue>>(name: string, query: string, ...params: SqlStorageValue[]): Promise<T[]> {
  return runInDurableObject(singletonStub(name), (_i, state) => state.storage.sql.exec<T>(query, ...params).toArray());
}

/** Moves a task's next tick to `at` (time travel: the clock is not mocked, the schedule is moved). */
export function dueAt(name: string, taskId: string, at: number): Promise<unknown> {
  return singletonRows(name, "UPDATE tasks SET next_run_at = ? WHERE task_id = ? RETURNING task_id", at, taskId);
}

export const counterTask = (key: string, extra: Record<string, unknown> = {}) => ({
  schedule: { every: "1h" },
  action: { type: "entity", entityType: "Counter", key, message: "increment", input: { by: 1 } },
  ...extra,
});

export const uniqueName = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

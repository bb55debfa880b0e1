import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { unwrap } from "../../shards/delivery.ts";
import { validateAction } from "../../singleton/actions.ts";
import { validateSchedule } from "../../singleton/schedule.ts";
import type { SingletonNamespace, SingletonStub } from "../../singleton/stub.ts";
import { ProblemSchema, runtimeConfig, SingletonNameSchema, TaskIdSchema, TaskPutSchema, TaskRunSchema, TaskViewSchema, validationError } from "../../spec/index.ts";
import type { ResolvedApp } from "../../cluster/app.ts";
import { actionEvents } from "../../events/publish.ts";
import { actionJobs } from "../../jobs/actions.ts";
import type { AppEnv } from "../env.ts";
import { readInput } from "./entity-input.ts";
import type { ClusterEnv } from "../../env.ts";
import { Directory } from "../../singleton/directory.ts";
import { clock } from "../../clock.ts";

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });
const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { "application/json": { schema } } });
const Name = z.object({ name: z.string().describe("Singleton name") });
const NameTask = Name.extend({ taskId: z.string().describe("Task id") });
const errors = { 400: problem("Invalid name, schedule or action (paths listed); nothing stored"), 401: problem("Missing or invalid admin token"), 404: problem("No such singleton or task"), 409: problem("The task is declared in code"), 422: problem("An action kind that is not wired here") };
const base = { tags: ["singletons"], security: [{ adminBearer: [] }] };
const taskPath = "/v1/singletons/{name}/tasks/{taskId}";

const routes = {
  put: createRoute({ ...base, method: "put", path: taskPath, summary: "Create or replace a task (idempotent)", request: { params: NameTask, body: { content: { "application/json": { schema: TaskPutSchema } } } }, responses: { 200: json("Updated (or unchanged)", TaskViewSchema), 201: json("Created", TaskViewSchema), ...errors } }),
  list: createRoute({ ...base, method: "get", path: "/v1/singletons/{name}/tasks", summary: "List a singleton's tasks", request: { params: Name }, responses: { 200: json("Tasks", z.object({ tasks: z.array(TaskViewSchema) })), ...errors } }),
  get: createRoute({ ...base, method: "get", path: taskPath, summary: "A task with its next run and last run", request: { params: NameTask }, responses: { 200: json("Task", TaskViewSchema), ...errors } }),
  del: createRoute({ ...base, method: "delete", path: taskPath, summary: "Delete a task and its runs", request: { params: NameTask }, responses: { 204: { description: "Deleted" }, ...errors } }),
  pause: createRoute({ ...base, method: "post", path: `${taskPath}/pause`, summary: "Pause a task", request: { params: NameTask }, responses: { 200: json("Paused", TaskViewSchema), ...errors } }),
  resume: createRoute({ ...base, method: "post", path: `${taskPath}/resume`, summary: "Resume a task (missed ticks follow its catch-up policy)", request: { params: NameTask }, responses: { 200: json("Resumed", TaskViewSchema), ...errors } }),
  trigger: createRoute({ ...base, method: "post", path: `${taskPath}/trigger`, summary: "Run a tick now and return its run", request: { params: NameTask }, responses: { 200: json("The run", TaskRunSchema), ...errors } }),
  runs: createRoute({ ...base, method: "get", path: `${taskPath}/runs`, summary: "The task's last 100 runs, newest first", request: { params: NameTask }, responses: { 200: json("Runs", z.object({ runs: z.array(TaskRunSchema) })), ...errors } }),
};

function singleton(env: ClusterEnv, rawName: string): { name: string; stub: SingletonStub } {
  const name = SingletonNameSchema.safeParse(rawName);
  if (!name.success) throw validationError(name.error, "singleton name", ["name"]);
  const namespace: SingletonNamespace = env.SINGLETONS;
  return { name: name.data, stub: namespace.get(namespace.idFromName(name.data)) };
}

/**
 * A singleton a read (or a change to a task) may contact: one the application declares, or one
 * the directory lists. Any other name is 404 and no object is created.
 */
async function existing(env: ClusterEnv, cluster: ResolvedApp, rawName: string): Promise<{ name: string; stub: SingletonStub }> {
  const found = singleton(env, rawName);
  if (!cluster.schedules.singletons().includes(found.name)) await new Directory(env.SINGLETONS).require("singleton", found.name, `no singleton '${found.name}'`);
  return found;
}

function taskId(raw: string) {
  const id = TaskIdSchema.safeParse(raw);
  if (!id.success || raw.startsWith("service:")) throw validationError(id.error ?? new z.ZodError([]), "task id", ["taskId"]);
  return id.data;
}

/** Tasks over HTTP (CLUS-03). Everything is validated here, before the singleton is contacted. */
export function registerSingletonRoutes(app: OpenAPIHono<AppEnv>, cluster: ResolvedApp): void {
  app.openapi(routes.put, async (c) => {
    const { name, stub } = singleton(c.env, c.req.param("name"));
    const id = taskId(c.req.param("taskId"));
    const parsed = TaskPutSchema.safeParse(await readInput(c));
    if (!parsed.success) throw validationError(parsed.error, "task");
    validateSchedule(parsed.data.schedule, clock.now());
    const router = cluster.router(c.env);
    validateAction(parsed.data.action, router, runtimeConfig(c.env).ALLOW_PRIVATE_URLS, actionEvents(router, cluster.events), actionJobs(c.env, cluster.jobs));
    const { created, task } = unwrap(await stub.putTask(name, id, parsed.data));
    return c.json(task, created ? 201 : 200);
  });
  app.openapi(routes.list, async (c) => {
    const { name, stub } = await existing(c.env, cluster, c.req.param("name"));
    return c.json({ tasks: unwrap(await stub.listTasks(name)) }, 200);
  });
  app.openapi(routes.get, async (c) => {
    const { name, stub } = await existing(c.env, cluster, c.req.param("name"));
    return c.json(unwrap(await stub.getTask(name, c.req.param("taskId"))), 200);
  });
  app.openapi(routes.del, async (c) => {
    const { name, stub } = await existing(c.env, cluster, c.req.param("name"));
    unwrap(await stub.deleteTask(name, c.req.param("taskId")));
    return c.body(null, 204);
  });
  for (const [route, paused] of [[routes.pause, true], [routes.resume, false]] as const) {
    app.openapi(route, async (c) => {
      const { name, stub } = await existing(c.env, cluster, c.req.param("name"));
      return c.json(unwrap(await stub.setPaused(name, c.req.param("taskId"), paused)), 200);
    });
  }
  app.openapi(routes.trigger, async (c) => {
    const { name, stub } = await existing(c.env, cluster, c.req.param("name"));
    return c.json(unwrap(await stub.trigger(name, c.req.param("taskId"))), 200);
  });
  app.openapi(routes.runs, async (c) => {
    const { name, stub } = await existing(c.env, cluster, c.req.param("name"));
    return c.json({ runs: unwrap(await stub.runs(name, c.req.param("taskId"))) }, 200);
  });
}

import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { ResolvedApp } from "../../cluster/app.ts";
import { ProblemSchema, SagaListQuerySchema, SagaPageSchema, SagaRecordSchema, SagaStartedSchema, StartSagaSchema, validationError } from "../../spec/index.ts";
import { listSagas } from "../../workflows/saga-list.ts";
import type { AppEnv } from "../env.ts";
import { readInput } from "./entity-input.ts";

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });
const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { "application/json": { schema } } });
const base = { tags: ["sagas"], security: [{ adminBearer: [] }] };
const errors = { 400: problem("Invalid input (paths under input.) or Idempotency-Key; nothing started"), 401: problem("Missing or invalid admin token"), 404: problem("No such saga or instance") };
const Name = z.object({ name: z.string().describe("Saga name, e.g. transfer") });
const Instance = Name.extend({ instanceId: z.string().describe("Saga instance id") });

const routes = {
  list: createRoute({
    ...base, method: "get", path: "/v1/sagas", summary: "Saga instances newest first, by name and status, over every saga-log shard that exists",
    request: { query: SagaListQuerySchema }, responses: { 200: json("A page", SagaPageSchema), 400: problem("Invalid filter or cursor"), 401: errors[401] },
  }),
  start: createRoute({
    ...base, method: "post", path: "/v1/sagas/{name}", summary: "Start a saga; 202 once its record is stored and its Workflow instance created",
    request: { params: Name, headers: z.object({ "idempotency-key": z.string().optional().describe("Fixes the instance id (1-100 of A-Z a-z 0-9 _ -); a repeat answers the first instance") }), body: { content: { "application/json": { schema: StartSagaSchema } } } },
    responses: { 202: json("Started (or the instance of this Idempotency-Key)", SagaStartedSchema), ...errors, 409: problem("The Idempotency-Key names an instance of another saga") },
  }),
  get: createRoute({ ...base, method: "get", path: "/v1/sagas/{name}/{instanceId}", summary: "A saga instance: status, per-step status, attempts, timings and causes", request: { params: Instance }, responses: { 200: json("The instance", SagaRecordSchema), ...errors } }),
  cancel: createRoute({
    ...base, method: "post", path: "/v1/sagas/{name}/{instanceId}/cancel", summary: "Cancel: the next step attempt fails as cancelled and the completed steps are compensated",
    request: { params: Instance }, responses: { 202: json("Cancel recorded (cancelRequested: true)", SagaRecordSchema), ...errors, 409: problem("invalid_transition: the saga already finished") },
  }),
};

/** Sagas over HTTP: list, start, inspect, cancel. */
export function registerSagaRoutes(app: OpenAPIHono<AppEnv>, cluster: ResolvedApp): void {
  app.openapi(routes.list, async (c) => {
    const query = SagaListQuerySchema.safeParse(c.req.query());
    if (!query.success) throw validationError(query.error, "query");
    return c.json(await listSagas(c.env, query.data), 200);
  });
  app.openapi(routes.start, async (c) => {
    const body = StartSagaSchema.safeParse(await readInput(c));
    if (!body.success) throw validationError(body.error, "body");
    const started = await cluster.sagaClient(c.env).start(c.req.param("name"), body.data.input, c.req.header("idempotency-key"));
    if (started.duplicate) c.header("Idempotent-Replayed", "true");
    return c.json(started, 202);
  });
  app.openapi(routes.get, async (c) => c.json(await cluster.sagaClient(c.env).get(c.req.param("name"), c.req.param("instanceId")), 200));
  app.openapi(routes.cancel, async (c) => c.json(await cluster.sagaClient(c.env).cancel(c.req.param("name"), c.req.param("instanceId")), 202));
}

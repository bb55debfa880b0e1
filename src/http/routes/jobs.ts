import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { ResolvedApp } from "../../cluster/app.ts";
import { JobDetailSchema, JobListQuerySchema, JobPageSchema, JobStatsSchema, JobViewSchema, ProblemSchema, SubmitJobSchema, SubmittedJobSchema, validationError } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";
import { readInput } from "./entity-input.ts";

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });
const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { "application/json": { schema } } });
const base = { tags: ["jobs"], security: [{ adminBearer: [] }] };
const errors = { 400: problem("Unknown job type, invalid input or options (paths listed); nothing stored"), 401: problem("Missing or invalid admin token"), 404: problem("No such job") };
const Id = z.object({ id: z.string().describe("Job id: j<shard>_<32 hex>") });

const routes = {
  submit: createRoute({
    ...base, method: "post", path: "/v1/jobs", summary: "Submit a job; 202 once it is stored (it starts at once when due and a slot is free)",
    request: { headers: z.object({ "idempotency-key": z.string().optional().describe("A repeat answers the first job (duplicate: true, Idempotent-Replayed: true)") }), body: { content: { "application/json": { schema: SubmitJobSchema } } } },
    responses: { 202: json("Stored (or the job of this Idempotency-Key)", SubmittedJobSchema), ...errors, 429: problem("job_queue_full: the shard holds 4,096 unfinished jobs; Retry-After: 1") },
  }),
  get: createRoute({ ...base, method: "get", path: "/v1/jobs/{id}", summary: "A job: status, attempts (each with how it ended), timestamps, last error, result", request: { params: Id }, responses: { 200: json("The job and its attempts", JobDetailSchema), ...errors } }),
  cancel: createRoute({ ...base, method: "delete", path: "/v1/jobs/{id}", summary: "Cancel a job that is not running (pending, or failed and waiting to retry)", request: { params: Id }, responses: { 200: json("Cancelled", JobViewSchema), ...errors, 409: problem("The job is running or finished") } }),
  list: createRoute({ ...base, method: "get", path: "/v1/jobs", summary: "Jobs oldest first, over every job shard (16 shard calls per page)", request: { query: JobListQuerySchema }, responses: { 200: json("A page", JobPageSchema), ...errors } }),
  stats: createRoute({ ...base, method: "get", path: "/v1/jobs/stats", summary: "How many jobs have each status, over every job shard", responses: { 200: json("Counts", JobStatsSchema), 401: errors[401] } }),
  retry: createRoute({ ...base, method: "post", path: "/v1/jobs/{id}/retry", summary: "Run a dead, failed or cancelled job again (attempts start over)", request: { params: Id }, responses: { 202: json("Due now", JobViewSchema), ...errors, 409: problem("The job is pending, running or completed") } }),
};

/** Jobs over HTTP (JOBS-01). Type, input and options are checked before any shard is contacted. */
export function registerJobRoutes(app: OpenAPIHono<AppEnv>, cluster: ResolvedApp): void {
  app.openapi(routes.submit, async (c) => {
    const body = SubmitJobSchema.safeParse(await readInput(c));
    if (!body.success) throw validationError(body.error, "job");
    const submitted = await cluster.jobClient(c.env).submit(body.data, c.req.header("idempotency-key"));
    if (submitted.duplicate) c.header("Idempotent-Replayed", "true");
    return c.json(submitted, 202);
  });
  // Before `/v1/jobs/{id}`, which would otherwise take "stats" for an id.
  app.openapi(routes.stats, async (c) => c.json(await cluster.jobClient(c.env).stats(), 200));
  app.openapi(routes.get, async (c) => c.json(await cluster.jobClient(c.env).get(c.req.param("id")), 200));
  app.openapi(routes.cancel, async (c) => c.json(await cluster.jobClient(c.env).cancel(c.req.param("id")), 200));
  app.openapi(routes.list, async (c) => {
    const query = JobListQuerySchema.safeParse(c.req.query());
    if (!query.success) throw validationError(query.error, "query");
    return c.json(await cluster.jobClient(c.env).list(query.data), 200);
  });
  app.openapi(routes.retry, async (c) => c.json(await cluster.jobClient(c.env).retry(c.req.param("id")), 202));
}

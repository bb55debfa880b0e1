import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { fleetStub } from "../../fleet/fleet-client.ts";
import { cancelRollout, resumeRollout, rollbackRollout, startRollout } from "../../fleet/rollouts.ts";
import { unwrap } from "../../shards/delivery.ts";
import { AppError, CreateRolloutSchema, ResumeRolloutSchema, RolloutPageSchema, RolloutSchema, RolloutTenantPageSchema, RolloutTenantStateSchema, validationError } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";
import { readInput } from "./entity-input.ts";
import { json, problem } from "./tenant-kit.ts";

const base = { tags: ["rollouts"], security: [{ adminBearer: [] }] as Record<string, string[]>[] };
const errors = { 400: problem("Invalid input (paths listed); nothing started"), 401: problem("Missing or invalid admin token"), 404: problem("No such rollout") };
const Id = z.object({ id: z.string().describe("Rollout id (ro_…)") });
const Page = z.object({ cursor: z.string().optional().describe("nextCursor of the previous page"), limit: z.string().optional().describe("1–200 (default 50)") });
const TenantsQuery = Page.extend({ status: RolloutTenantStateSchema.optional().describe("Only tenants in this state") });
const ROLLOUT_ID = /^ro_[0-9a-f]{24}$/;
const IdempotencyKey = z.string().min(1).max(200);

const routes = {
  start: createRoute({
    ...base, method: "post", path: "/v1/rollouts", summary: "Start a rollout of a bundle or an app version to many tenants, in waves",
    request: { headers: z.object({ "idempotency-key": IdempotencyKey.optional().describe("Fixes the rollout id; a repeat answers the first rollout") }), body: { content: { "application/json": { schema: CreateRolloutSchema } } } },
    responses: { 202: json("Started (or the rollout of this Idempotency-Key)", z.object({ rolloutId: z.string() })), ...errors, 409: problem("A rollout that is not finished holds some of these tenants") },
  }),
  list: createRoute({ ...base, method: "get", path: "/v1/rollouts", summary: "Rollouts, newest first", request: { query: Page }, responses: { 200: json("A page", RolloutPageSchema), ...errors } }),
  get: createRoute({ ...base, method: "get", path: "/v1/rollouts/{id}", summary: "A rollout: status, counts per tenant state, wave, failures, times and rate", request: { params: Id }, responses: { 200: json("The rollout", RolloutSchema), ...errors } }),
  tenants: createRoute({ ...base, method: "get", path: "/v1/rollouts/{id}/tenants", summary: "A rollout's tenants in order, optionally of one state", request: { params: Id, query: TenantsQuery }, responses: { 200: json("A page", RolloutTenantPageSchema), ...errors } }),
  resume: createRoute({
    ...base, method: "post", path: "/v1/rollouts/{id}/resume", summary: "Resume a halted, paused or cancelled rollout (failed tenants are tried again), optionally with a new target",
    request: { params: Id, body: { content: { "application/json": { schema: ResumeRolloutSchema } }, required: false } }, responses: { 202: json("Resumed", RolloutSchema), ...errors, 409: problem("Running or completed, or another rollout holds its tenants now") },
  }),
  rollback: createRoute({
    ...base, method: "post", path: "/v1/rollouts/{id}/rollback", summary: "Roll back: a new rollout of each tenant this one made ready back to its previous bundle, non-destructive only",
    request: { params: Id }, responses: { 202: json("The rollback's rollout (the same one when asked again)", z.object({ rolloutId: z.string() })), ...errors, 409: problem("Not possible, and why: running or paused, nothing to roll back, or a plan that would drop or narrow (errors name the tenants)") },
  }),
  cancel: createRoute({ ...base, method: "post", path: "/v1/rollouts/{id}/cancel", summary: "Cancel: no tenant starts after this; those in flight finish", request: { params: Id }, responses: { 200: json("Cancelled", RolloutSchema), ...errors, 409: problem("Already completed or cancelled") } }),
};

/** The rollout id of the path; a malformed one is 404 without reaching any object. */
function rolloutId(id: string | undefined): string {
  if (!id || !ROLLOUT_ID.test(id)) throw new AppError("not_found", `no rollout '${id ?? ""}'`);
  return id;
}

/** `?limit=` (1–200, default 50) and `?cursor=` (a number) of a page. */
function page(query: { cursor?: string | undefined; limit?: string | undefined }): { cursor?: number | undefined; limit: number } {
  const parsed = z.object({ cursor: z.coerce.number().int().min(-1).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }).safeParse(query);
  if (!parsed.success) throw validationError(parsed.error, "query");
  return parsed.data;
}

/** Fleet rollouts over HTTP (admin only). */
export function registerRolloutRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.start, async (c) => {
    const body = CreateRolloutSchema.safeParse(await readInput(c));
    if (!body.success) throw validationError(body.error, "body");
    const key = c.req.header("idempotency-key");
    if (key !== undefined && !IdempotencyKey.safeParse(key).success) throw new AppError("validation_failed", "Idempotency-Key: 1–200 characters");
    const started = await startRollout(c.env, body.data, key);
    if (started.duplicate) c.header("Idempotent-Replayed", "true");
    return c.json({ rolloutId: started.rolloutId }, 202);
  });
  app.openapi(routes.list, async (c) => {
    const p = page(c.req.query());
    return c.json(unwrap(await fleetStub(c.env).rolloutList(p.cursor, p.limit)), 200);
  });
  app.openapi(routes.get, async (c) => c.json(unwrap(await fleetStub(c.env).rolloutGet(rolloutId(c.req.param("id")))), 200));
  app.openapi(routes.tenants, async (c) => {
    const id = rolloutId(c.req.param("id"));
    const p = page(c.req.query());
    const status = RolloutTenantStateSchema.optional().safeParse(c.req.query("status"));
    if (!status.success) throw validationError(status.error, "query", ["status"]);
    return c.json(unwrap(await fleetStub(c.env).rolloutTenants(id, status.data, p.cursor, p.limit)), 200);
  });
  app.openapi(routes.resume, async (c) => {
    const id = rolloutId(c.req.param("id"));
    const raw = c.req.header("content-length") === "0" || c.req.raw.body === null ? {} : await readInput(c);
    const body = ResumeRolloutSchema.safeParse(raw);
    if (!body.success) throw validationError(body.error, "body");
    return c.json(await resumeRollout(c.env, id, body.data.target), 202);
  });
  app.openapi(routes.rollback, async (c) => {
    const started = await rollbackRollout(c.env, rolloutId(c.req.param("id")));
    if (started.duplicate) c.header("Idempotent-Replayed", "true");
    return c.json({ rolloutId: started.rolloutId }, 202);
  });
  app.openapi(routes.cancel, async (c) => c.json(await cancelRollout(c.env, rolloutId(c.req.param("id"))), 200));
}

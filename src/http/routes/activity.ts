import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { ACTIVITY_OBJECT } from "../../activity/report.ts";
import { ActivitySnapshotSchema, ProblemSchema } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";

const base = { tags: ["cluster"], security: [{ adminBearer: [] }] };
const unauthorized = { description: "Missing or invalid admin token", content: { "application/problem+json": { schema: ProblemSchema } } };

const routes = {
  snapshot: createRoute({ ...base, method: "get", path: "/v1/activity", summary: "Messages and errors per second over 15 minutes, the last minute by type and code, events by type, outbox backlog", responses: { 200: { description: "A snapshot", content: { "application/json": { schema: ActivitySnapshotSchema } } }, 401: unauthorized } }),
  stream: createRoute({ ...base, method: "get", path: "/v1/activity/stream", summary: "The same snapshot as server-sent events (`event: activity`), at once and then each second", responses: { 200: { description: "text/event-stream", content: { "text/event-stream": { schema: z.string() } } }, 401: unauthorized } }),
};

/**
 * The cluster's activity, kept by the singleton object `~activity` from the shards' reports: the
 * inspector's overview and chart. Like `~directory`, it is one fixed object, so reading it may wake it.
 */
export function registerActivityRoutes(app: OpenAPIHono<AppEnv>): void {
  const stub = (env: AppEnv["Bindings"]) => env.SINGLETONS.get(env.SINGLETONS.idFromName(ACTIVITY_OBJECT));
  app.openapi(routes.snapshot, async (c) => c.json(await stub(c.env).activity(), 200));
  app.openapi(routes.stream, (c) => stub(c.env).fetch(new Request(c.req.raw.url, { signal: c.req.raw.signal })));
}

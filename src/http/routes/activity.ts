import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { ACTIVITY_OBJECT } from "../../activity/report.ts";
import { emptySnapshot } from "../../activity/store.ts";
import { activityFrame, MAX_ACTIVITY_FOLLOWERS } from "../../activity/stream.ts";
import { clock } from "../../clock.ts";
import { Directory } from "../../singleton/directory.ts";
import { ActivitySnapshotSchema, AppError, ProblemSchema } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";

const base = { tags: ["cluster"], security: [{ adminBearer: [] }] };
const unauthorized = { description: "Missing or invalid admin token", content: { "application/problem+json": { schema: ProblemSchema } } };

const routes = {
  snapshot: createRoute({ ...base, method: "get", path: "/v1/activity", summary: "Messages and errors per second over 15 minutes, the last minute by type and code, events by type, outbox backlog", responses: { 200: { description: "A snapshot", content: { "application/json": { schema: ActivitySnapshotSchema } } }, 401: unauthorized } }),
  stream: createRoute({ ...base, method: "get", path: "/v1/activity/stream", summary: "The same snapshot as server-sent events (`event: activity`), at once and then each second", responses: { 200: { description: "text/event-stream", content: { "text/event-stream": { schema: z.string() } } }, 401: unauthorized, 429: { description: "100 followers already", content: { "application/problem+json": { schema: ProblemSchema } } } } }),
};

/** One frame of the stream, closed at once: a cluster whose activity object does not exist yet (the page reconnects). */
const emptyStream = (now: number) => new Response(activityFrame(emptySnapshot(now)), { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store" } });

/**
 * The cluster's activity, kept by the singleton object `~activity` from the shards' reports: the
 * inspector's overview and chart. Before any shard reported, the object does not exist and a read
 * answers an empty snapshot without creating it (the directory says whether it exists).
 */
export function registerActivityRoutes(app: OpenAPIHono<AppEnv>): void {
  const stub = async (env: AppEnv["Bindings"]) => ((await new Directory(env.SINGLETONS).has("singleton", ACTIVITY_OBJECT)) ? env.SINGLETONS.get(env.SINGLETONS.idFromName(ACTIVITY_OBJECT)) : null);
  app.openapi(routes.snapshot, async (c) => c.json(await (await stub(c.env))?.activity() ?? emptySnapshot(clock.now()), 200));
  app.openapi(routes.stream, async (c) => {
    const activity = await stub(c.env);
    if (!activity) return emptyStream(clock.now());
    const res = await activity.fetch(new Request(c.req.raw.url, { signal: c.req.raw.signal }));
    if (res.status === 429) throw new AppError("rate_limited", `the activity stream has ${String(MAX_ACTIVITY_FOLLOWERS)} followers already; close an inspector page or try again later`, { headers: { "retry-after": "10" } });
    return res;
  });
}

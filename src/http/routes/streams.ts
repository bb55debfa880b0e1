import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { existingDeadLetters } from "../../events/dlq-client.ts";
import { unwrap } from "../../shards/delivery.ts";
import { AppError, ProblemSchema, StuckStreamSchema, validationError } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";
import { readInput } from "./entity-input.ts";

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });
const base = { tags: ["events"], security: [{ adminBearer: [] }] };
const ListQuery = z.object({
  stuck: z.enum(["true"]).optional().default("true").describe("Streams waiting on a gap longer than EVENT_GAP_TIMEOUT_MS (the only streams listed; shorter waits are ordinary reordering)"),
  limit: z.coerce.number().int().min(1).max(500).optional().default(100).describe("At most this many, oldest gap first (default 100, at most 500)"),
});
const SkipBody = z.object({ sequence: z.number().int().min(1).optional().describe("The sequence to pass (default: the one the stream waits for)") }).strict();
const SkipResult = z.object({ stream: z.string(), results: z.array(z.object({ object: z.string(), sequence: z.number().int(), status: z.enum(["skipped", "marked", "passed"]) })) });

const routes = {
  list: createRoute({ ...base, method: "get", path: "/v1/events/streams", summary: "Ordered streams stuck on a gap: stream, next sequence, held count, oldest held age", request: { query: ListQuery }, responses: { 200: { description: "Stuck streams", content: { "application/json": { schema: z.object({ items: z.array(StuckStreamSchema) }) } } }, 400: problem("Bad query"), 401: problem("Missing or invalid admin token") } }),
  skip: createRoute({
    ...base, method: "post", path: "/v1/events/streams/{stream}/skip", summary: "A stuck stream passes a sequence (by default the one it waits for) and applies what it then holds",
    request: { params: z.object({ stream: z.string().describe("The stream, URL-encoded") }), body: { required: false, content: { "application/json": { schema: SkipBody } } } },
    responses: { 200: { description: "Passed (per shard holding the stream)", content: { "application/json": { schema: SkipResult } } }, 400: problem("Bad body"), 401: problem("Missing or invalid admin token"), 404: problem("No stuck stream of that name") },
  }),
};

/** The stuck-stream list and its skip (EVNT-01): a stream never waits for good on a sequence that will not come. */
export function registerStreamRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.list, async (c) => {
    const query = ListQuery.safeParse(c.req.query());
    if (!query.success) throw validationError(query.error, "query");
    const dlq = await existingDeadLetters(c.env.SINGLETONS);
    return c.json({ items: dlq ? await dlq.listStuckStreams(query.data.limit) : [] }, 200);
  });
  app.openapi(routes.skip, async (c) => {
    const stream = c.req.param("stream");
    const body = SkipBody.safeParse((await readInput(c)) ?? {});
    if (!body.success) throw validationError(body.error, "body");
    const stuck = (await (await existingDeadLetters(c.env.SINGLETONS))?.listStuckStreams(500, stream)) ?? [];
    if (stuck.length === 0) throw new AppError("not_found", `no stuck stream '${stream}'`);
    const results = await Promise.all(
      stuck.map(async (s) => {
        const sequence = body.data.sequence ?? s.nextSequence;
        const { status } = unwrap(await c.env.SHARDS.get(c.env.SHARDS.idFromName(s.object)).skipStream(stream, sequence));
        return { object: s.object, sequence, status };
      }),
    );
    return c.json({ stream, results }, 200);
  });
}

import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { ResolvedApp } from "../../cluster/app.ts";
import { existingDeadLetters } from "../../events/dlq-client.ts";
import { publishEvent } from "../../events/publish.ts";
import { skipDeadSequence } from "../../events/skip.ts";
import { AppError, DeadLetterSchema, ProblemSchema, PublishedSchema, PublishEventSchema, runtimeConfig, validationError, type EventMessage } from "../../spec/index.ts";
import { assertEventFits, jsonBytes } from "../../storage/event-size.ts";
import type { AppEnv } from "../env.ts";
import { readInput } from "./entity-input.ts";

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });
const base = { tags: ["events"], security: [{ adminBearer: [] }] };
const errors = { 400: problem("Unknown event type, invalid payload (paths listed) or bad id"), 401: problem("Missing or invalid admin token"), 404: problem("No such dead letter") };
const tooLarge = { 413: problem("The event's Queue message would exceed 120,000 bytes (MAX_EVENT_MESSAGE_BYTES); nothing stored") };
const Id = z.object({ id: z.string().describe("Dead-letter id") });
const ListQuery = z.object({
  type: z.string().optional().describe("Only this event type"),
  subscription: z.string().optional().describe("Only this subscription"),
  cursor: z.string().optional().describe("nextCursor of the previous page"),
  limit: z.coerce.number().int().min(1).max(200).optional().default(50).describe("Page size (default 50, at most 200)"),
});

const routes = {
  publish: createRoute({ ...base, method: "post", path: "/v1/events", summary: "Publish an event; 202 once it is durable", request: { headers: z.object({ "idempotency-key": z.string().optional().describe("Fixes the event id") }), body: { content: { "application/json": { schema: PublishEventSchema } } } }, responses: { 202: { description: "Durable", content: { "application/json": { schema: PublishedSchema } } }, ...errors, ...tooLarge } }),
  list: createRoute({ ...base, method: "get", path: "/v1/events/dead", summary: "Dead letters, oldest first", request: { query: ListQuery }, responses: { 200: { description: "A page", content: { "application/json": { schema: z.object({ items: z.array(DeadLetterSchema), nextCursor: z.string().nullable() }) } } }, ...errors } }),
  replay: createRoute({ ...base, method: "post", path: "/v1/events/dead/{id}/replay", summary: "Redeliver a dead event with the same event id (in order, if its stream still waits for it)", request: { params: Id }, responses: { 202: { description: "Re-enqueued", content: { "application/json": { schema: z.object({ eventId: z.string(), subscription: z.string().nullable() }) } } }, ...errors, ...tooLarge, 409: problem("A gap whose event is unknown: nothing to replay") } }),
  remove: createRoute({ ...base, method: "delete", path: "/v1/events/dead/{id}", summary: "Forget a dead letter; a sequenced event's ordered streams skip it", request: { params: Id }, responses: { 204: { description: "Deleted (delete = skip)" }, ...errors } }),
};

/** Domain events over HTTP (EVNT-01): publish, and the dead-letter list with replay. */
export function registerEventRoutes(app: OpenAPIHono<AppEnv>, cluster: ResolvedApp): void {
  // The hot path: documented from its route, served by a plain handler that parses the body once.
  app.openAPIRegistry.registerPath(routes.publish);
  app.post(routes.publish.path, async (c) => {
    const body = PublishEventSchema.safeParse(await readInput(c));
    if (!body.success) throw validationError(body.error, "event");
    const published = await publishEvent(cluster.router(c.env), cluster.events, body.data, c.req.header("idempotency-key"));
    if (published.duplicate) c.header("Idempotent-Replayed", "true");
    return c.json(published, 202);
  });
  app.openapi(routes.list, async (c) => {
    const query = ListQuery.safeParse(c.req.query());
    if (!query.success) throw validationError(query.error, "query");
    const dlq = await existingDeadLetters(c.env.SINGLETONS);
    return c.json(dlq ? await dlq.listDeadEvents(query.data) : { items: [], nextCursor: null }, 200);
  });
  app.openapi(routes.replay, async (c) => {
    const dlq = await existingDeadLetters(c.env.SINGLETONS);
    const dead = await dlq?.getDeadEvent(c.req.param("id"));
    if (!dlq || !dead) throw new AppError("not_found", `no dead letter '${c.req.param("id")}'`);
    if (dead.event === null) throw new AppError("conflict", "nothing to replay: the producer no longer had the event of this gap (its stream moved past it)");
    const { subscription: _previous, ...event } = dead.event;
    const message: EventMessage = dead.subscription === null ? event : { ...event, subscription: dead.subscription };
    assertEventFits(jsonBytes(message), message.type); // an event the relay dead-lettered for its size cannot be replayed
    await c.env.EVENTS.send(message, { contentType: "json" });
    await dlq.deleteDeadEvent(dead.id);
    return c.json({ eventId: event.eventId, subscription: dead.subscription }, 202);
  });
  app.openapi(routes.remove, async (c) => {
    const dlq = await existingDeadLetters(c.env.SINGLETONS);
    const dead = await dlq?.getDeadEvent(c.req.param("id"));
    if (!dlq || !dead) throw new AppError("not_found", `no dead letter '${c.req.param("id")}'`);
    // Delete = skip: the ordered streams waiting for this sequence pass it first, so a failure here keeps the dead letter to retry.
    await skipDeadSequence(dead, { registry: cluster.events, router: cluster.router(c.env), tenantIsolation: runtimeConfig(c.env).TENANT_ISOLATION });
    await dlq.deleteDeadEvent(dead.id);
    return c.body(null, 204);
  });
}

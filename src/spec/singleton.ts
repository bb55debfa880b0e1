import { z } from "zod";

/**
 * The protocol of singletons and scheduled tasks (CLUS-03). A singleton is one Durable Object per
 * name; its tasks share one alarm. Every tick has an id `<taskId>@<ISO scheduled time>`, which is
 * the idempotency key handed to the task's action.
 */

/** A singleton name: a letter, then letters, digits, `_` or `-`; at most 64. */
export const SingletonNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, "a letter, then letters, digits, '_' or '-', at most 64").brand<"SingletonName">().describe("Singleton name");
export type SingletonName = z.infer<typeof SingletonNameSchema>;

/** A task id within its singleton: like a singleton name, or `service:<name>` for services. */
export const TaskIdSchema = z.string().regex(/^(service:)?[A-Za-z][A-Za-z0-9_.-]{0,63}$/, "a letter, then letters, digits, '.', '_' or '-', at most 64").brand<"TaskId">().describe("Task id");
export type TaskId = z.infer<typeof TaskIdSchema>;

/** `<number><unit>` with unit ms, s, m or h, e.g. `30s`; at least 1 s, at most 7 days. */
export const IntervalSchema = z.string().regex(/^\d{1,9}(ms|s|m|h)$/, "a number followed by ms, s, m or h, e.g. 30s").describe("Interval, e.g. 30s, 5m, 1h");

export const ScheduleSchema = z
  .union([
    z.object({ cron: z.string().min(9).max(120).describe("5 or 6 field cron expression (croner), seconds first when 6"), tz: z.string().min(1).max(64).optional().describe("IANA timezone, default UTC") }).strict(),
    z.object({ every: IntervalSchema }).strict(),
    z.object({ at: z.iso.datetime({ offset: true }).describe("One-shot time, ISO-8601 with offset") }).strict(),
    z.object({ delayMs: z.number().int().min(0).max(31_536_000_000).describe("One-shot, this many ms after the task is stored") }).strict(),
  ])
  .describe("When a task fires: cron (with timezone), every interval, at a time, or after a delay");
export type Schedule = z.infer<typeof ScheduleSchema>;

/**
 * What to do with ticks missed while nothing ran (an outage, a long pause): `skip` runs only the
 * latest missed tick (default), `all` runs every missed tick in order (at most `catchUpCap`, the
 * latest ones), `none` drops missed ticks. A tick is missed when it is more than 60 s late.
 */
export const CatchUpSchema = z.enum(["skip", "all", "none"]).describe("Missed-tick policy (default skip)");
export type CatchUp = z.infer<typeof CatchUpSchema>;

const EntityActionSchema = z
  .object({
    type: z.literal("entity"),
    entityType: z.string().describe("Entity type"),
    key: z.string().describe("Entity key"),
    message: z.string().describe("Message name"),
    input: z.unknown().optional().describe("Message input (default {})"),
  })
  .describe("Send an entity message; the tick id is its message id, so a re-run tick is applied once");

const EventActionSchema = z
  .object({ type: z.literal("event"), event: z.string().describe("Event type"), payload: z.unknown().optional().describe("Event payload"), partitionKey: z.string().optional().describe("Partition key") })
  .describe("Publish a domain event with the tick id as its event id");

const JobActionSchema = z
  .object({ type: z.literal("job"), job: z.string().describe("Job type"), input: z.unknown().optional().describe("Job input"), key: z.string().optional().describe("Job key") })
  .describe("Submit a job with the tick id as its idempotency key");

const HttpActionSchema = z
  .object({
    type: z.literal("http"),
    url: z.url().max(2048).describe("https URL (private addresses refused unless ALLOW_PRIVATE_URLS=true)"),
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).describe("HTTP method"),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(1024)).optional().describe("Request headers"),
    body: z.string().max(65_536).optional().describe("Request body"),
  })
  .describe("Call a URL (10 s timeout, redirects not followed); the tick id is sent as Idempotency-Key");

export const TaskActionSchema = z.discriminatedUnion("type", [EntityActionSchema, EventActionSchema, JobActionSchema, HttpActionSchema]).describe("What a tick does");
export type TaskAction = z.infer<typeof TaskActionSchema>;

/** Body of `PUT /v1/singletons/{name}/tasks/{taskId}`. */
export const TaskPutSchema = z
  .object({
    schedule: ScheduleSchema,
    action: TaskActionSchema,
    catchUp: CatchUpSchema.optional().default("skip"),
    maxAttempts: z.number().int().min(1).max(20).optional().default(3).describe("Attempts per tick before it is recorded failed (default 3)"),
    paused: z.boolean().optional().default(false).describe("A paused task keeps its schedule but runs no tick"),
  })
  .strict()
  .describe("A task scheduled over HTTP");
export type TaskPut = z.infer<typeof TaskPutSchema>;

export const RunStatusSchema = z.enum(["running", "retrying", "succeeded", "failed", "skipped_overlap"]).describe("Outcome of one tick");
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const TaskRunSchema = z
  .object({
    tickId: z.string().describe("<taskId>@<ISO scheduled time>: the tick's idempotency key"),
    scheduledAt: z.string().describe("When the tick was due (ISO)"),
    startedAt: z.string().nullable().describe("When its first attempt started"),
    endedAt: z.string().nullable().describe("When it ended"),
    status: RunStatusSchema,
    attempts: z.number().int().describe("Attempts so far"),
    error: z.string().optional().describe("The last attempt's error"),
  })
  .describe("One tick of a task");
export type TaskRun = z.infer<typeof TaskRunSchema>;

export const TaskViewSchema = z
  .object({
    id: z.string().describe("Task id"),
    singleton: z.string().describe("Singleton name"),
    source: z.enum(["code", "http"]).describe("Declared in code (defineTask / defineService) or over HTTP"),
    schedule: ScheduleSchema,
    action: TaskActionSchema.optional().describe("The action (tasks over HTTP)"),
    catchUp: CatchUpSchema,
    maxAttempts: z.number().int(),
    paused: z.boolean(),
    nextRunAt: z.string().nullable().describe("The next tick (ISO); null when the schedule is exhausted"),
    missedTicks: z.number().int().describe("Ticks dropped by the catch-up policy since the task was stored"),
    lastRun: TaskRunSchema.optional(),
  })
  .describe("A scheduled task");
export type TaskView = z.infer<typeof TaskViewSchema>;

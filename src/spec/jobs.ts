import { z } from "zod";
import { JobIdSchema } from "./ids.ts";

/**
 * The jobs protocol (JOBS-01): what `POST /v1/jobs` accepts, what a job looks like, and the list
 * page. A job lives in the `Jobs/<shard>` shard object that owns its idempotency key (or, without
 * one, its `key`, else a random shard); its id `j<shard>_<random>` names that shard, so lookups
 * need no index.
 */

/** A job type: lower-case dotted name, e.g. `demo.echo`; at most 128. */
export const JobTypeSchema = z.string().regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/, "lower-case dotted name, e.g. demo.echo").max(128).describe("Job type");

/**
 * `pending` (waiting for its time or a slot), `running` (claimed, under a lease), `failed` (an
 * attempt failed; the next one is due at `runAt`), `completed`, `dead` (attempts exhausted or a
 * non-retryable error), `cancelled`.
 */
export const JobStatusSchema = z.enum(["pending", "running", "failed", "completed", "dead", "cancelled"]).describe("Job status");
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** Body of `POST /v1/jobs`. */
export const SubmitJobSchema = z
  .object({
    type: JobTypeSchema,
    input: z.unknown().optional().describe("The job's input, validated against the job type's schema (default {})"),
    key: z.string().min(1).max(256).regex(/^[A-Za-z0-9._:@~+=-]+$/, "letters, digits and . _ : @ ~ + = -").optional().describe("Handed to the handler as ctx.key; routes the job to the shard owning this key when no Idempotency-Key is given (that key routes first), else a random shard"),
    runAt: z.union([z.iso.datetime({ offset: true }), z.number().int().min(0)]).optional().describe("Start at this time (ISO-8601 or ms since the epoch); default now"),
    delayMs: z.number().int().min(0).max(31_536_000_000).optional().describe("Start this many ms from now; not with runAt"),
    maxAttempts: z.number().int().min(1).max(100).optional().describe("Attempts before the job is dead (default: the job type's, 5)"),
  })
  .strict()
  .refine((b) => b.runAt === undefined || b.delayMs === undefined, { message: "give runAt or delayMs, not both", path: ["delayMs"] })
  .describe("A job to submit");
export type SubmitJob = z.infer<typeof SubmitJobSchema>;

/** The answer of a submit: 202 with the job's id and status (`duplicate` for a repeated Idempotency-Key). */
export const SubmittedJobSchema = z
  .object({
    id: JobIdSchema,
    status: JobStatusSchema,
    duplicate: z.boolean().describe("True when the Idempotency-Key named an existing job: this is that job"),
  })
  .describe("A submitted job");
export type SubmittedJob = z.infer<typeof SubmittedJobSchema>;

const Time = z.string().nullable();

/** One job as `GET /v1/jobs/{id}` shows it. Times are ISO-8601. */
export const JobViewSchema = z
  .object({
    id: JobIdSchema,
    type: JobTypeSchema,
    key: z.string().nullable().describe("The routing key given at submit"),
    status: JobStatusSchema,
    attempts: z.number().int().min(0).describe("Attempts started so far"),
    maxAttempts: z.number().int().min(1).describe("Attempts before dead"),
    input: z.unknown().describe("The validated input"),
    result: z.unknown().optional().describe("The handler's result (completed jobs)"),
    lastError: z.string().nullable().describe("The last failed attempt's error"),
    idempotencyKey: z.string().nullable().describe("The Idempotency-Key of its submit"),
    createdAt: z.string().describe("When it was submitted"),
    runAt: z.string().describe("When it is (or was) next due"),
    startedAt: Time.describe("When its latest attempt started"),
    finishedAt: Time.describe("When it completed, died or was cancelled"),
    updatedAt: z.string().describe("Last change"),
  })
  .describe("A job");
export type JobView = z.infer<typeof JobViewSchema>;

/** One attempt of a job that ended. */
export const JobAttemptSchema = z
  .object({
    attempt: z.number().int().min(1),
    startedAt: Time,
    finishedAt: z.string(),
    outcome: z.enum(["completed", "failed", "dead", "lost"]).describe("failed: retried later; dead: the last allowed attempt failed; lost: its lease ran out before it reported"),
    error: z.string().nullable(),
  })
  .describe("An attempt of a job");
export type JobAttempt = z.infer<typeof JobAttemptSchema>;

/** `GET /v1/jobs/{id}`: the job and its attempts. */
export const JobDetailSchema = JobViewSchema.extend({ history: z.array(JobAttemptSchema).describe("Its attempts that ended, newest first (the last 100)") }).describe("A job with its attempts");
export type JobDetail = z.infer<typeof JobDetailSchema>;

/** Query of `GET /v1/jobs`. */
export const JobListQuerySchema = z
  .object({
    status: JobStatusSchema.optional().describe("Only jobs with this status"),
    type: JobTypeSchema.optional().describe("Only jobs of this type"),
    cursor: z.string().max(256).optional().describe("nextCursor of the previous page"),
    limit: z.coerce.number().int().min(1).max(200).optional().default(50).describe("Page size (default 50, at most 200)"),
  })
  .describe("Job list filter");
export type JobListQuery = z.infer<typeof JobListQuerySchema>;

/** A page of jobs, oldest first by (createdAt, id), over every job shard. */
export const JobPageSchema = z
  .object({ items: z.array(JobViewSchema), nextCursor: z.string().nullable().describe("Pass as cursor for the next page; null at the end") })
  .describe("A page of jobs");
export type JobPage = z.infer<typeof JobPageSchema>;

/** `GET /v1/jobs/stats`: how many jobs have each status, over every job shard (every status present, 0 when none). */
export const JobStatsSchema = z
  .object({ byStatus: z.record(JobStatusSchema, z.number().int().min(0).describe("Jobs with this status")).describe("Jobs per status; completed and cancelled ones are kept 7 days") })
  .describe("Job counts");
export type JobStats = z.infer<typeof JobStatsSchema>;

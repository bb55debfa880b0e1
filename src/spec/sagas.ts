import { z } from "zod";

/**
 * The sagas protocol (EVNT-03): what `POST /v1/sagas/{name}` accepts, the record
 * `GET /v1/sagas/{name}/{instanceId}` answers, and the parameters of a `SagaWorkflow` instance.
 * The record lives in the `SagaLog` entity keyed by the instance id (Durable Object SQLite), so it
 * survives restarts and evictions; the Workflow instance is the engine, the log is the view.
 */

/** A saga name: lower-case letters, digits and dashes, e.g. `transfer`. */
export const SagaNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, "lower-case letters, digits and -").describe("Saga name");

/** A saga instance id: the Workflow instance id (what Idempotency-Key fixes). */
export const SagaInstanceIdSchema = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$/, "1-100 of A-Z a-z 0-9 _ -, not starting with -").describe("Saga instance id");

/**
 * `running` (steps run), `compensating` (a step failed or the saga was cancelled: undoing in
 * reverse), `completed`, `compensated` (every completed step undone), `compensation_failed` (a
 * compensation failed permanently; both causes are kept).
 */
export const SagaStatusSchema = z.enum(["running", "completed", "compensating", "compensated", "compensation_failed"]).describe("Saga status");
export type SagaStatus = z.infer<typeof SagaStatusSchema>;

/** A step's status: its run, then (after a failure elsewhere) its compensation. */
export const SagaStepStatusSchema = z.enum(["pending", "running", "completed", "failed", "compensating", "compensated", "compensation_failed", "skipped"]).describe("Step status");
export type SagaStepStatus = z.infer<typeof SagaStepStatusSchema>;

/** Why something failed: the error's message and, when it had one, its catalogue code and status. */
export const SagaCauseSchema = z
  .object({
    message: z.string().describe("The error's message"),
    code: z.string().optional().describe("Catalogue code (e.g. insufficient_funds) or `cancelled`"),
    status: z.number().int().optional().describe("HTTP status of the code"),
    step: z.string().optional().describe("The step (or compensation) that failed"),
  })
  .describe("A failure cause");
export type SagaCause = z.infer<typeof SagaCauseSchema>;

const Time = z.number().int().nullable().describe("ms since the epoch, or null");

/** One step as the record shows it. */
export const SagaStepRecordSchema = z
  .object({
    name: z.string().describe("Step name"),
    status: SagaStepStatusSchema,
    attempts: z.number().int().nonnegative().describe("Attempts of the step's run"),
    compensationAttempts: z.number().int().nonnegative().describe("Attempts of its compensation"),
    startedAt: Time,
    finishedAt: Time,
    compensatedAt: Time,
    error: SagaCauseSchema.nullable().describe("Last error of the run"),
    compensationError: SagaCauseSchema.nullable().describe("Last error of the compensation"),
  })
  .describe("A saga step");
export type SagaStepRecord = z.infer<typeof SagaStepRecordSchema>;

/** A saga instance: status, per-step status, attempts, timings and causes. */
export const SagaRecordSchema = z
  .object({
    instanceId: SagaInstanceIdSchema,
    saga: SagaNameSchema,
    status: SagaStatusSchema,
    cancelRequested: z.boolean().describe("A cancel was asked; honoured before the next step"),
    steps: z.array(SagaStepRecordSchema).describe("Steps in declaration order"),
    cause: SagaCauseSchema.nullable().describe("Why the saga compensated: the failing step's final error, or `cancelled`"),
    compensationCause: SagaCauseSchema.nullable().describe("Why a compensation failed permanently (status compensation_failed)"),
    output: z.unknown().optional().describe("Outputs of the steps, by name (status completed)"),
    createdAt: z.number().int().describe("ms since the epoch"),
    updatedAt: z.number().int().describe("ms since the epoch"),
    finishedAt: Time,
  })
  .describe("A saga instance");
export type SagaRecord = z.infer<typeof SagaRecordSchema>;

/** Body of `POST /v1/sagas/{name}`. */
export const StartSagaSchema = z.object({ input: z.unknown().describe("The saga's input, validated against its schema") }).strict().describe("A saga to start");

/** The answer of a start: 202 with the instance id (`duplicate` when the Idempotency-Key named an existing instance). */
export const SagaStartedSchema = z
  .object({ instanceId: SagaInstanceIdSchema, duplicate: z.boolean().describe("True for a repeated Idempotency-Key: this is the first instance") })
  .describe("A started saga");
export type SagaStarted = z.infer<typeof SagaStartedSchema>;

/** The parameters of a `SagaWorkflow` instance: which saga, and its input as written (latest version at write time). */
export const SagaParamsSchema = z.object({ saga: SagaNameSchema, input: z.unknown().describe("The encoded input") }).describe("Saga workflow parameters");
export type SagaParams = z.infer<typeof SagaParamsSchema>;

/** Query of `GET /v1/sagas`. */
export const SagaListQuerySchema = z
  .object({
    name: SagaNameSchema.optional().describe("Only instances of this saga"),
    status: SagaStatusSchema.optional().describe("Only instances with this status"),
    cursor: z.string().max(256).optional().describe("nextCursor of the previous page"),
    limit: z.coerce.number().int().min(1).max(100).optional().default(20).describe("Page size (default 20, at most 100)"),
  })
  .describe("Saga list filter");
export type SagaListQuery = z.infer<typeof SagaListQuerySchema>;

/** A page of saga instances, newest first by (createdAt, instanceId), over every saga-log shard. */
export const SagaPageSchema = z
  .object({ items: z.array(SagaRecordSchema), nextCursor: z.string().nullable().describe("Pass as cursor for the next page; null at the end") })
  .describe("A page of saga instances");
export type SagaPage = z.infer<typeof SagaPageSchema>;

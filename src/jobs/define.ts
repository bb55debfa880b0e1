import type { z } from "zod";
import { AppError, JobTypeSchema, type JobId } from "../spec/index.ts";
import { DEFAULT_BACKOFF, type Backoff } from "./backoff.ts";
import type { ClusterEnv } from "../env.ts";

/** What a job handler sees. */
export interface JobContext {
  readonly jobId: JobId;
  /** 1 for the first attempt; grows by one per retry and per redelivery after a lost lease. */
  readonly attempt: number;
  readonly key: string | null;
  /** The Idempotency-Key of the submit (a tick id, an event id…), if any. */
  readonly idempotencyKey: string | null;
  /** Aborted at the job's deadline (`timeoutMs`). */
  readonly signal: AbortSignal;
  readonly env: ClusterEnv;
}

/** A handler that throws this goes straight to `dead`: no further attempt would help. */
export class NonRetryableJobError extends Error {
  override readonly name = "NonRetryableJobError";
}

export interface JobConfig<I extends z.ZodType, R> {
  /** Lower-case dotted job type, e.g. `images.resize`. */
  readonly type: string;
  readonly input: I;
  readonly handler: (ctx: JobContext, input: z.output<I>) => R | Promise<R>;
  /** Attempts before the job is dead (default 5). */
  readonly maxAttempts?: number;
  /** Retry delay: full jitter over `min(maxMs, baseMs · 2^(attempt−1))` (default 1 s doubling to 5 min). */
  readonly backoff?: Partial<Backoff>;
  /** One attempt's deadline (default 30 s); its lease is this plus 5 s. */
  readonly timeoutMs?: number;
  /** At most this many of this type run at once per job shard (default: the shard's limit, 8). */
  readonly concurrency?: number;
}

/** A declared job type (`I`: its input schema, for typed submits). */
export interface JobDefinition<I extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly input: I;
  readonly handler: (ctx: JobContext, input: unknown) => unknown;
  readonly maxAttempts: number;
  readonly backoff: Backoff;
  readonly timeoutMs: number;
  readonly concurrency: number;
}

/** Running jobs per job shard, over all types. */
export const SHARD_JOB_CONCURRENCY = 8;
export const DEFAULT_JOB_MAX_ATTEMPTS = 5;
export const DEFAULT_JOB_TIMEOUT_MS = 30_000;

const positiveInt = (type: string, field: string, value: number, max: number): number => {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`defineJob(${type}): ${field} must be an integer in 1..${max}, got ${value}`);
  return value;
};

/**
 * Declares a job type. Validated eagerly: a bad type name or an out-of-range option throws here,
 * naming the field. The input is checked at submit (400 with paths, nothing stored).
 *
 * @example
 * const Resize = defineJob({ type: "images.resize", input: z.object({ url: z.url() }), handler: async (ctx, { url }) => ({ done: url }), maxAttempts: 3 });
 */
export function defineJob<I extends z.ZodType, R>(config: JobConfig<I, R>): JobDefinition<I> {
  const parsed = JobTypeSchema.safeParse(config.type);
  if (!parsed.success) throw new Error(`defineJob: type '${config.type}' is invalid: ${parsed.error.issues[0]?.message}`);
  const type = parsed.data;
  const backoff = { ...DEFAULT_BACKOFF, ...config.backoff };
  positiveInt(type, "backoff.baseMs", backoff.baseMs, 86_400_000);
  positiveInt(type, "backoff.maxMs", backoff.maxMs, 7 * 86_400_000);
  return {
    type,
    input: config.input,
    handler: config.handler as JobDefinition["handler"],
    maxAttempts: positiveInt(type, "maxAttempts", config.maxAttempts ?? DEFAULT_JOB_MAX_ATTEMPTS, 100),
    backoff,
    timeoutMs: positiveInt(type, "timeoutMs", config.timeoutMs ?? DEFAULT_JOB_TIMEOUT_MS, 900_000),
    concurrency: positiveInt(type, "concurrency", config.concurrency ?? SHARD_JOB_CONCURRENCY, SHARD_JOB_CONCURRENCY),
  };
}

/** The job types of an application. */
export interface JobRegistry {
  list(): readonly JobDefinition[];
  find(type: string): JobDefinition | undefined;
  /** The job type, or 400 `validation_failed` on `type` (an unknown type is bad input, nothing is stored). */
  require(type: string): JobDefinition;
  /** Validates a submit's input; 400 with `input.<path>` paths. */
  parseInput(type: string, input: unknown): unknown;
}

export function createJobRegistry(jobs: readonly JobDefinition[]): JobRegistry {
  const byType = new Map(jobs.map((j) => [j.type, j]));
  if (byType.size !== jobs.length) throw new Error("createJobRegistry: a job type is declared twice");
  const require = (type: string): JobDefinition => {
    const job = byType.get(type);
    if (!job) throw new AppError("validation_failed", `unknown job type '${type}'`, { extra: { errors: [{ path: "type", message: "unknown job type" }] } });
    return job;
  };
  return {
    list: () => jobs,
    find: (type) => byType.get(type),
    require,
    parseInput(type, input) {
      const parsed = require(type).input.safeParse(input ?? {});
      if (!parsed.success) {
        throw new AppError("validation_failed", `invalid input for job ${type}`, { extra: { errors: parsed.error.issues.map((i) => ({ path: ["input", ...i.path].join("."), message: i.message })) } });
      }
      return parsed.data;
    },
  };
}

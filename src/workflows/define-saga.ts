import type { z } from "zod";
import { AppError, SagaNameSchema } from "../spec/index.ts";
import type { Router } from "../shards/index.ts";
import type { ClusterEnv } from "../env.ts";

const STEP_NAME = /^[a-z][a-z0-9-]{0,63}$/;

/** Retries of a step's run and of its compensation (Workflows' `step.do` retries). */
export interface SagaRetry {
  /** Retries after the first attempt (default 3). */
  readonly limit: number;
  /** Delay before the first retry: ms or a duration like "1 second" (default "500 millis" = 500). */
  readonly delay: number | `${number} ${"second" | "minute" | "hour"}${"s" | ""}`;
  /** Default `exponential`. */
  readonly backoff?: "constant" | "linear" | "exponential";
}

/** What a step's `run` and `compensate` see. */
export interface StepContext<I> {
  readonly instanceId: string;
  readonly saga: string;
  readonly step: string;
  /** 1 for the first attempt of this run (or compensation). */
  readonly attempt: number;
  readonly input: I;
  /** Outputs of the steps that completed before this one, by name. */
  readonly results: Readonly<Record<string, unknown>>;
  /**
   * `<instanceId>:<step>` for a run and `<instanceId>:<step>:undo` for a compensation: use it as
   * the entity message id (or Idempotency-Key) of the step's effect, so a retried attempt, or one
   * repeated after a restart, is applied once.
   */
  readonly messageId: string;
  readonly router: Router;
  readonly env: ClusterEnv;
}

/** One step. `run`'s result (JSON) is the step's output and is handed to `compensate`. */
export interface SagaStep<I> {
  readonly name: string;
  run(ctx: StepContext<I>): unknown;
  compensate?(ctx: StepContext<I>, output: unknown): unknown;
  readonly retry?: SagaRetry;
  /** Per attempt; ms or a duration (default 30 s). */
  readonly timeout?: number | `${number} ${"second" | "minute" | "hour"}${"s" | ""}`;
}

/** A declared saga. `input` may be a `versioned(...)` schema: old inputs decode to the latest. */
export interface SagaDefinition<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly input: S;
  readonly steps: readonly SagaStep<z.output<S>>[];
}

/** A saga seen by the generic interpreter. */
export type AnySaga = SagaDefinition<z.ZodType>;

export const DEFAULT_SAGA_RETRY: SagaRetry = { limit: 3, delay: 500, backoff: "exponential" };
export const DEFAULT_STEP_TIMEOUT = 30_000;

const UNITS = { second: 1_000, minute: 60_000, hour: 3_600_000 } as const;

/** The wait before attempt `attempt + 1`: the retry's delay, constant, times `attempt` (linear) or doubling (exponential). */
export function retryDelayMs(retry: SagaRetry, attempt: number): number {
  const [amount = "0", unit = "second"] = typeof retry.delay === "number" ? [] : retry.delay.split(" ");
  const base = typeof retry.delay === "number" ? retry.delay : Number(amount) * UNITS[unit.replace(/s$/, "") as keyof typeof UNITS];
  const backoff = retry.backoff ?? "exponential";
  return backoff === "constant" ? base : backoff === "linear" ? base * attempt : base * 2 ** Math.min(attempt - 1, 30);
}

/**
 * Declares a saga: steps run in order as durable Workflow steps; when one fails for good, the
 * compensations of the steps that completed run in reverse, each a durable retried step. Validated
 * eagerly: a bad or repeated name throws here.
 *
 * @example
 * const Transfer = defineSaga({
 *   name: "transfer",
 *   input: z.object({ from: z.string(), to: z.string(), amount: z.number().int().positive() }),
 *   steps: [
 *     { name: "withdraw", run: (c) => c.router.to(Account).request(c.input.from, "withdraw", { amount: c.input.amount }, { messageId: c.messageId }),
 *       compensate: (c) => c.router.to(Account).request(c.input.from, "deposit", { amount: c.input.amount }, { messageId: c.messageId }) },
 *     { name: "deposit", run: (c) => c.router.to(Account).request(c.input.to, "deposit", { amount: c.input.amount }, { messageId: c.messageId }) },
 *   ],
 * });
 */
export function defineSaga<S extends z.ZodType>(config: SagaDefinition<S>): SagaDefinition<S> {
  const name = SagaNameSchema.safeParse(config.name);
  if (!name.success) throw new Error(`defineSaga: name '${config.name}' is invalid: ${name.error.issues[0]?.message}`);
  if (config.steps.length === 0) throw new Error(`defineSaga(${config.name}): steps must not be empty`);
  const seen = new Set<string>();
  for (const step of config.steps) {
    if (!STEP_NAME.test(step.name)) throw new Error(`defineSaga(${config.name}): step name '${step.name}' is invalid (lower-case letters, digits, -)`);
    if (seen.has(step.name)) throw new Error(`defineSaga(${config.name}): step '${step.name}' is declared twice`);
    seen.add(step.name);
    if (step.retry && (!Number.isInteger(step.retry.limit) || step.retry.limit < 0)) throw new Error(`defineSaga(${config.name}): steps.${step.name}.retry.limit must be a non-negative integer`);
  }
  return config;
}

/** The sagas of an application. */
export interface SagaRegistry {
  list(): readonly AnySaga[];
  /** The saga, or 404 `not_found`. */
  require(name: string): AnySaga;
}

/** Builds a registry; two sagas with one name throw here. */
export function createSagaRegistry(sagas: readonly AnySaga[]): SagaRegistry {
  const byName = new Map<string, AnySaga>();
  for (const saga of sagas) {
    if (byName.has(saga.name)) throw new Error(`createSagaRegistry: saga '${saga.name}' is declared twice`);
    byName.set(saga.name, saga);
  }
  return {
    list: () => [...byName.values()],
    require(name) {
      const saga = byName.get(name);
      if (!saga) throw new AppError("not_found", `unknown saga '${name}'`);
      return saga;
    },
  };
}

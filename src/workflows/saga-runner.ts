import type { WorkflowStep, WorkflowStepConfig } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import type { Router } from "../shards/index.ts";
import type { SagaCause, SagaStatus } from "../spec/index.ts";
import { DEFAULT_SAGA_RETRY, DEFAULT_STEP_TIMEOUT, type AnySaga, type SagaStep, type StepContext } from "./define-saga.ts";
import { CANCELLED, causeOf, encodeCause, isRetryable } from "./saga-cause.ts";
import { SagaLogClient } from "./saga-log.ts";
import { compensationOrder, type SagaPhase } from "./saga-record.ts";
import type { ClusterEnv } from "../env.ts";

/** What a saga instance ends with (the Workflow instance's output). */
export interface SagaOutcome {
  readonly status: Extract<SagaStatus, "completed" | "compensated" | "compensation_failed">;
  readonly output?: Record<string, unknown>;
  readonly cause?: SagaCause;
  readonly compensationCause?: SagaCause;
}

export interface SagaRun {
  readonly instanceId: string;
  readonly saga: AnySaga;
  readonly input: unknown;
  readonly router: Router;
  readonly env: ClusterEnv;
}

function configOf(step: SagaStep<unknown>): WorkflowStepConfig {
  const retry = step.retry ?? DEFAULT_SAGA_RETRY;
  return { retries: { limit: retry.limit, delay: retry.delay, backoff: retry.backoff ?? "exponential" }, timeout: step.timeout ?? DEFAULT_STEP_TIMEOUT };
}

/**
 * Interprets a saga on a Workflow: each step's run is one durable `step.do` (the platform's retries;
 * its output cached, so a restarted engine skips it); on a step's final failure (or a cancel) the
 * compensations of the completed steps run in reverse, each its own durable retried `step.do`,
 * recorded once. A compensation that fails for good ends the saga `compensation_failed` with both
 * causes. The `SagaLog` record is updated as it goes; the log writes outside attempts are steps too.
 */
export async function runSaga(run: SagaRun, step: WorkflowStep): Promise<SagaOutcome> {
  const log = new SagaLogClient(run.router, run.instanceId);
  const { saga } = run;
  await step.do("saga:open", async () => (await log.open(saga.name, saga.steps.map((s) => s.name))).instanceId);
  const results: Record<string, unknown> = {};
  const completed = new Set<string>();
  let cause: SagaCause | null = null;

  const attempt = (s: SagaStep<unknown>, phase: SagaPhase) => async (ctx: { attempt: number }): Promise<string> => {
    const cancelled = await log.attempt(s.name, phase);
    if (cancelled && phase === "run") throw new NonRetryableError(encodeCause({ ...CANCELLED, step: s.name }));
    const context: StepContext<unknown> = { instanceId: run.instanceId, saga: saga.name, step: s.name, attempt: ctx.attempt, input: run.input, results: { ...results }, messageId: `${run.instanceId}:${s.name}${phase === "run" ? "" : ":undo"}`, router: run.router, env: run.env };
    try {
      const output: unknown = phase === "run" ? await s.run(context) : await s.compensate?.(context, results[s.name]);
      await log.done(s.name, phase);
      return JSON.stringify(output ?? null);
    } catch (err) {
      const failure = causeOf(err, s.name);
      const retryable = isRetryable(err);
      const final = !retryable || ctx.attempt > (s.retry ?? DEFAULT_SAGA_RETRY).limit;
      await log.fail(s.name, phase, failure, final);
      throw retryable ? new Error(encodeCause(failure)) : new NonRetryableError(encodeCause(failure));
    }
  };

  for (const s of saga.steps) {
    try {
      const json = await step.do(s.name, configOf(s), attempt(s, "run"));
      results[s.name] = JSON.parse(json) as unknown;
      completed.add(s.name);
    } catch (err) {
      cause = causeOf(err, s.name);
      break;
    }
  }
  if (!cause) {
    await step.do("saga:end", async () => (await log.status("completed", { output: results }), "completed"));
    return { status: "completed", output: results };
  }

  const failed = cause;
  await step.do("saga:compensating", async () => {
    if (failed.step) await log.fail(failed.step, "run", failed, true);
    await log.status("compensating", { cause: failed });
    return "compensating";
  });
  for (const s of compensationOrder(saga.steps, completed)) {
    try {
      await step.do(`${s.name}:compensate`, configOf(s), attempt(s, "compensate"));
    } catch (err) {
      const compensationCause = causeOf(err, s.name);
      await step.do("saga:end", async () => (await log.status("compensation_failed", { compensationCause }), "compensation_failed"));
      return { status: "compensation_failed", cause: failed, compensationCause };
    }
  }
  await step.do("saga:end", async () => (await log.status("compensated"), "compensated"));
  return { status: "compensated", cause: failed };
}

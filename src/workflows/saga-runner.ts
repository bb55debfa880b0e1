import { crashIfAsked } from "../testing/hooks.ts";
import type { WorkflowStep, WorkflowStepConfig } from "cloudflare:workers";
import type { Router } from "../shards/index.ts";
import type { SagaCause, SagaStatus } from "../spec/index.ts";
import { DEFAULT_SAGA_RETRY, DEFAULT_STEP_TIMEOUT, retryDelayMs, type AnySaga, type SagaStep, type StepContext } from "./define-saga.ts";
import { CANCELLED, causeOf, isRetryable } from "./saga-cause.ts";
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

/** One attempt's outcome, as its `step.do` caches it (failures are returned, not thrown: see `runSaga`). */
type Attempt = { readonly "dc:saga": 1; readonly ok: unknown } | { readonly "dc:saga": 1; readonly failed: SagaCause; readonly retry: boolean };

/**
 * Interprets a saga on a Workflow. Each attempt of a step is one durable `step.do` (its outcome
 * cached, so a restarted engine skips it) that records a failure instead of throwing it, and the
 * retries are durable `step.sleep`s between attempts: an expected failure is a value, never an
 * uncaught error in the runtime's log. On a step's final failure (or a cancel) the compensations of
 * the completed steps run in reverse, retried the same way and recorded once. A compensation that
 * fails for good ends the saga `compensation_failed` with both causes. The `SagaLog` record is
 * updated as it goes; the log writes outside attempts are steps too.
 */
export async function runSaga(run: SagaRun, step: WorkflowStep): Promise<SagaOutcome> {
  const log = new SagaLogClient(run.router, run.instanceId);
  const { saga } = run;
  await step.do("saga:open", async () => (await log.open(saga.name, saga.steps.map((s) => s.name))).instanceId);
  const results: Record<string, unknown> = {};
  const completed = new Set<string>();
  let cause: SagaCause | null = null;

  const attempt = (s: SagaStep<unknown>, phase: SagaPhase, n: number, limit: number) => async (): Promise<string> => {
    const cancelled = await log.attempt(s.name, phase);
    if (cancelled && phase === "run") return JSON.stringify({ "dc:saga": 1, failed: { ...CANCELLED, step: s.name }, retry: false } satisfies Attempt);
    const context: StepContext<unknown> = { instanceId: run.instanceId, saga: saga.name, step: s.name, attempt: n, input: run.input, results: { ...results }, messageId: `${run.instanceId}:${s.name}${phase === "run" ? "" : ":undo"}`, router: run.router, env: run.env };
    try {
      const output: unknown = phase === "run" ? await s.run(context) : await s.compensate?.(context, results[s.name]);
      crashIfAsked(phase === "run" ? s.name : `${s.name}:compensate`);
      await log.done(s.name, phase);
      return JSON.stringify({ "dc:saga": 1, ok: output ?? null } satisfies Attempt);
    } catch (err) {
      const failure = causeOf(err, s.name);
      const final = !isRetryable(err) || n > limit;
      await log.fail(s.name, phase, failure, final);
      return JSON.stringify({ "dc:saga": 1, failed: failure, retry: !final } satisfies Attempt);
    }
  };

  /** Attempts until one succeeds or fails for good; the first attempt keeps the step's own name. */
  const attempts = async (s: SagaStep<unknown>, phase: SagaPhase): Promise<{ ok: true; value: unknown } | { ok: false; cause: SagaCause }> => {
    const name = phase === "run" ? s.name : `${s.name}:compensate`;
    const retry = s.retry ?? DEFAULT_SAGA_RETRY;
    const config: WorkflowStepConfig = { retries: { limit: 0, delay: 0 }, timeout: s.timeout ?? DEFAULT_STEP_TIMEOUT };
    for (let n = 1; ; n++) {
      const id = n === 1 ? name : `${name}#${n}`;
      let outcome: Attempt;
      try {
        const raw = JSON.parse(await step.do(id, config, attempt(s, phase, n, retry.limit))) as unknown;
        // An instance started by a version that threw its failures cached a step's bare output.
        outcome = raw !== null && typeof raw === "object" && "dc:saga" in raw ? (raw as Attempt) : { "dc:saga": 1, ok: raw };
      } catch (err) {
        outcome = { "dc:saga": 1, failed: causeOf(err, s.name), retry: n <= retry.limit }; // a timeout
      }
      if ("ok" in outcome) return { ok: true, value: outcome.ok };
      if (!outcome.retry) return { ok: false, cause: outcome.failed };
      await step.sleep(`${id}:retry`, retryDelayMs(retry, n));
    }
  };

  for (const s of saga.steps) {
    const outcome = await attempts(s, "run");
    if (!outcome.ok) {
      cause = outcome.cause;
      break;
    }
    results[s.name] = outcome.value;
    completed.add(s.name);
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
    const outcome = await attempts(s, "compensate");
    if (!outcome.ok) {
      const compensationCause = outcome.cause;
      await step.do("saga:end", async () => (await log.status("compensation_failed", { compensationCause }), "compensation_failed"));
      return { status: "compensation_failed", cause: failed, compensationCause };
    }
  }
  await step.do("saga:end", async () => (await log.status("compensated"), "compensated"));
  return { status: "compensated", cause: failed };
}

import type { SagaCause, SagaRecord, SagaStatus, SagaStepRecord } from "../spec/index.ts";

/**
 * Pure updates of a saga record (the `SagaLog` entity applies them in its transaction). Every
 * update is idempotent where a replayed workflow may repeat it: the entity message ids make the
 * final ones apply once, and attempts are counted only by attempts that actually ran.
 */

export type SagaPhase = "run" | "compensate";

/** A new record: every step pending. */
export function newRecord(instanceId: string, saga: string, steps: readonly string[], now: number): SagaRecord {
  return {
    instanceId, saga, status: "running", cancelRequested: false, cause: null, compensationCause: null, createdAt: now, updatedAt: now, finishedAt: null,
    steps: steps.map((name) => ({ name, status: "pending", attempts: 0, compensationAttempts: 0, startedAt: null, finishedAt: null, compensatedAt: null, error: null, compensationError: null })),
  };
}

function withStep(record: SagaRecord, name: string, now: number, change: (step: SagaStepRecord) => SagaStepRecord): SagaRecord {
  return { ...record, updatedAt: now, steps: record.steps.map((s) => (s.name === name ? change(s) : s)) };
}

/** An attempt of a step's run or compensation starts. */
export function recordAttempt(record: SagaRecord, name: string, phase: SagaPhase, now: number): SagaRecord {
  return withStep(record, name, now, (s) =>
    phase === "run"
      ? { ...s, status: "running", attempts: s.attempts + 1, startedAt: s.startedAt ?? now }
      : { ...s, status: "compensating", compensationAttempts: s.compensationAttempts + 1 },
  );
}

/** A step's run or compensation succeeded. */
export function recordDone(record: SagaRecord, name: string, phase: SagaPhase, now: number): SagaRecord {
  return withStep(record, name, now, (s) => (phase === "run" ? { ...s, status: "completed", finishedAt: now, error: null } : { ...s, status: "compensated", compensatedAt: now, compensationError: null }));
}

/** An attempt failed (`final`: no attempt is left, or the error is not retryable). */
export function recordFailure(record: SagaRecord, name: string, phase: SagaPhase, cause: SagaCause, final: boolean, now: number): SagaRecord {
  return withStep(record, name, now, (s) =>
    phase === "run"
      ? { ...s, error: cause, ...(final ? { status: "failed" as const, finishedAt: now } : {}) }
      : { ...s, compensationError: cause, ...(final ? { status: "compensation_failed" as const } : {}) },
  );
}

const FINAL: readonly SagaStatus[] = ["completed", "compensated", "compensation_failed"];

/** True once the saga reached a final status. */
export function isFinal(status: SagaStatus): boolean {
  return FINAL.includes(status);
}

/**
 * The saga moves to `status`. Causes are set once and never overwritten (the original cause stays
 * when a compensation fails); at a final status, steps that never ran are marked `skipped`.
 */
export function recordStatus(record: SagaRecord, status: SagaStatus, now: number, extra: { cause?: SagaCause; compensationCause?: SagaCause; output?: unknown } = {}): SagaRecord {
  if (isFinal(record.status)) return record;
  const final = isFinal(status);
  return {
    ...record,
    status,
    cause: record.cause ?? extra.cause ?? null,
    compensationCause: record.compensationCause ?? extra.compensationCause ?? null,
    ...(extra.output === undefined ? {} : { output: extra.output }),
    updatedAt: now,
    finishedAt: final ? now : null,
    steps: final ? record.steps.map((s) => (s.status === "pending" ? { ...s, status: "skipped" as const } : s)) : record.steps,
  };
}

/**
 * The compensations to run after a failure: the steps that completed and declare a compensation,
 * latest first. A step that failed is not compensated (its own run is retried or refused whole).
 */
export function compensationOrder<T extends { readonly name: string; readonly compensate?: unknown }>(steps: readonly T[], completed: ReadonlySet<string>): T[] {
  return steps.filter((s) => completed.has(s.name) && s.compensate !== undefined).reverse();
}

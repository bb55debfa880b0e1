import { AppError, type SagaCause } from "../spec/index.ts";

/**
 * Failure causes of saga steps. A step's attempt records its failure as a value (the runner never
 * throws an expected failure out of `step.do`), with the code and status of an `AppError`.
 */

/** A refused message (4xx other than 408 / 429) fails its step at once: retrying cannot change the answer. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof Error && err.name === "NonRetryableError") return false;
  if (err instanceof AppError) return err.status >= 500 || err.status === 408 || err.status === 429;
  return true;
}

/** The cause of `err`: its message, and its code and status when it is an `AppError`. */
export function causeOf(err: unknown, step?: string): SagaCause {
  const at = step === undefined ? {} : { step };
  if (err instanceof AppError) return { message: err.message, code: err.code, status: err.status, ...at };
  return { message: err instanceof Error ? err.message : String(err), ...at };
}

/** The cause of a cancel. */
export const CANCELLED: SagaCause = { message: "the saga was cancelled", code: "cancelled" };

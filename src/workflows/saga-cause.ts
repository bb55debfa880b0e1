import { AppError, SagaCauseSchema, type SagaCause } from "../spec/index.ts";

/**
 * Failure causes across the Workflow step boundary. An error thrown inside `step.do` reaches the
 * workflow as a plain `Error` (its message survives, its fields do not), so a step's callback
 * throws its cause encoded as JSON in the message and the workflow decodes it back.
 */

/** A refused message (4xx other than 408 / 429) fails its step at once: retrying cannot change the answer. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof Error && err.name === "NonRetryableError") return false;
  if (err instanceof AppError) return err.status >= 500 || err.status === 408 || err.status === 429;
  return true;
}

/** The cause of `err`: its message, and its code and status when it is an `AppError` (or an encoded cause). */
export function causeOf(err: unknown, step?: string): SagaCause {
  const at = step === undefined ? {} : { step };
  if (err instanceof AppError) return { message: err.message, code: err.code, status: err.status, ...at };
  const message = err instanceof Error ? err.message : String(err);
  const decoded = decodeCause(message);
  return decoded ? { ...at, ...decoded } : { message, ...at };
}

/** The JSON a step throws, prefixed so it is recognisable. */
export function encodeCause(cause: SagaCause): string {
  return `saga-cause:${JSON.stringify(cause)}`;
}

function decodeCause(message: string): SagaCause | null {
  const at = message.indexOf("saga-cause:");
  if (at < 0) return null;
  try {
    const parsed = SagaCauseSchema.safeParse(JSON.parse(message.slice(at + "saga-cause:".length)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The cause of a cancel. */
export const CANCELLED: SagaCause = { message: "the saga was cancelled", code: "cancelled" };

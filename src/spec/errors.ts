import type { ZodError } from "zod";
import { ERROR_CATALOGUE, type ErrorCode, type Problem, type ProblemFieldError } from "./problem.ts";

/**
 * A typed error with a stable `code` from the catalogue. Handlers, modules and routes throw it;
 * the HTTP layer renders it as problem+json, and the entity runtime carries it across Durable
 * Object RPC as a {@link Problem} (RPC would otherwise flatten it to a plain `Error`).
 *
 * @example throw new AppError("insufficient_funds", "balance 5 is less than 10")
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extra: Partial<Problem>;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, detail: string, options: { extra?: Partial<Problem>; headers?: Record<string, string> } = {}) {
    super(detail);
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }

  /** Rebuilds an error from a problem that crossed an RPC boundary. */
  static fromProblem(problem: Problem, headers: Record<string, string> = {}): AppError {
    const { code, detail, type: _type, title: _title, status: _status, ...extra } = problem;
    return new AppError(code, detail ?? ERROR_CATALOGUE[code].title, { extra, headers });
  }

  /** The problem body of this error (without request-specific fields). */
  toProblem(): Problem {
    const { status, title } = ERROR_CATALOGUE[this.code];
    return { type: `urn:durable-cluster:problem:${this.code}`, title, status, code: this.code, detail: this.message, ...this.extra };
  }
}

/** Turns zod issues into `{ path, message }` pairs, paths dotted (`items.2.name`). */
export function fieldErrors(error: ZodError, prefix: readonly (string | number)[] = []): ProblemFieldError[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join("."),
    message: issue.message,
  }));
}

/** A 400 `validation_failed` listing the failing paths. */
export function validationError(error: ZodError, where: string, prefix: readonly (string | number)[] = []): AppError {
  const errors = fieldErrors(error, prefix);
  const first = errors[0];
  const detail = `invalid ${where}` + (first ? `: ${first.path || "(root)"}: ${first.message}` : "");
  return new AppError("validation_failed", detail, { extra: { errors } });
}


import type { ZodError } from "zod";
import type { ErrorKind } from "./app-errors.ts";
import { ERROR_CATALOGUE, problemType, type ErrorCode, type Problem, type ProblemFieldError } from "./problem.ts";

/**
 * A typed error with a stable `code`: a platform code from the catalogue, or an application's own
 * kind from `defineErrors`. Handlers, modules and routes throw it; the HTTP layer renders it as
 * problem+json, and the entity runtime carries it across Durable Object RPC as a {@link Problem}
 * (RPC would otherwise flatten it to a plain `Error`).
 *
 * @example throw new AppError("not_found", "no such order")
 * @example throw new AppError(errors.insufficient_funds, "balance 5 is less than 10")
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly extra: Partial<Problem>;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode | ErrorKind, detail: string, options: { extra?: Partial<Problem>; headers?: Record<string, string> } = {}) {
    super(detail);
    const kind = typeof code === "string" ? { code, ...ERROR_CATALOGUE[code] } : code;
    this.name = "AppError";
    this.code = kind.code;
    this.status = kind.status;
    this.title = kind.title;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }

  /** Rebuilds an error from a problem that crossed an RPC boundary (its own status and title travel with it). */
  static fromProblem(problem: Problem, headers: Record<string, string> = {}): AppError {
    const { code, detail, type: _type, title, status, ...extra } = problem;
    // The kind was declared (and checked) where the error was thrown, on the other side of the RPC.
    return new AppError({ code, status, title } as ErrorKind, detail ?? title, { extra, headers });
  }

  /** The problem body of this error (without request-specific fields). */
  toProblem(): Problem {
    return { type: problemType(this.code), title: this.title, status: this.status, code: this.code, detail: this.message, ...this.extra };
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

import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import { AppError, ERROR_CATALOGUE, validationError, type ErrorCode } from "../spec/index.ts";

/**
 * The one error path. Code throws {@link AppError} (or lets a zod / hono error escape) and
 * {@link problemResponse} turns it into `application/problem+json` with a stable `code`.
 * Anything unrecognised becomes a 500 `internal` whose detail never leaks the message.
 */
export { AppError, validationError };

const STATUS_CODES: Record<number, ErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
  503: "not_ready",
  504: "timeout",
};

/** Maps any thrown value to an {@link AppError}. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return validationError(err, "input");
  if (err instanceof HTTPException) {
    const code = err.status === 400 && /json/i.test(err.message) ? "malformed_json" : (STATUS_CODES[err.status] ?? "bad_request");
    return new AppError(code, err.message || ERROR_CATALOGUE[code].title);
  }
  return new AppError("internal", "an unexpected error occurred; see the server log with this requestId");
}

/** Renders an error as problem+json through the context, so headers set earlier (X-Request-Id) stay. */
export function problemResponse(c: Context, err: unknown): Response {
  const error = toAppError(err);
  if (error.code === "internal") console.error("unhandled error", c.get("requestId"), err);
  const body = { ...error.toProblem(), instance: new URL(c.req.url).pathname, requestId: c.get("requestId") };
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  c.header("Content-Type", "application/problem+json");
  return c.body(JSON.stringify(body), error.status as ContentfulStatusCode);
}

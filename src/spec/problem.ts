import { z } from "zod";

/**
 * RFC 9457 problem details and the error-code catalogue. Every HTTP error of durable-cluster is
 * `application/problem+json` with a stable `code` from {@link ERROR_CATALOGUE}; `type` is
 * `urn:durable-cluster:problem:<code>`, so clients may switch on either.
 */

/** Every error code, its HTTP status and its title. Codes are a contract: never rename one. */
export const ERROR_CATALOGUE = {
  bad_request: { status: 400, title: "Bad request" },
  validation_failed: { status: 400, title: "Validation failed" },
  malformed_json: { status: 400, title: "Malformed JSON body" },
  payload_too_deep: { status: 400, title: "Payload nested too deeply" },
  reserved_header: { status: 400, title: "Reserved header" },
  unauthorized: { status: 401, title: "Unauthorized" },
  forbidden: { status: 403, title: "Forbidden" },
  quota_exceeded: { status: 403, title: "Quota exceeded" },
  not_found: { status: 404, title: "Not found" },
  conflict: { status: 409, title: "Conflict" },
  invalid_transition: { status: 409, title: "Invalid state transition" },
  payload_too_large: { status: 413, title: "Payload too large" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  upgrade_required: { status: 426, title: "Upgrade required" },
  unprocessable: { status: 422, title: "Unprocessable request" },
  schedule_budget_exceeded: { status: 422, title: "Schedule budget exceeded" },
  tenant_suspended: { status: 423, title: "Tenant suspended" },
  rate_limited: { status: 429, title: "Too many requests" },
  mailbox_full: { status: 429, title: "Mailbox full" },
  job_queue_full: { status: 429, title: "Job queue full" },
  internal: { status: 500, title: "Internal error" },
  not_ready: { status: 503, title: "Not ready" },
  misconfigured: { status: 503, title: "Server misconfigured" },
  timeout: { status: 504, title: "Timed out" },
  envelope_expired: { status: 504, title: "Envelope expired (deadline exceeded)" },
} as const satisfies Record<string, { status: number; title: string }>;

/** A stable error code of the platform. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** A problem code: the platform's, or one an application declares with `defineErrors` (snake case). */
export const ProblemCodeSchema = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/).describe("Stable error code: the platform's catalogue or the application's own");

/** The `type` URI of a code. */
export function problemType(code: string): string {
  return `urn:durable-cluster:problem:${code}`;
}

/** One failing input path of a validation error. */
export const ProblemFieldErrorSchema = z
  .object({
    path: z.string().describe("Dotted path of the failing field ('' for the whole input)"),
    message: z.string().describe("Why it failed"),
  })
  .describe("One failing input path");
export type ProblemFieldError = z.infer<typeof ProblemFieldErrorSchema>;

/** RFC 9457 problem details, extended with `code`, `requestId` and, for validation, `errors`. */
export const ProblemSchema = z
  .object({
    type: z.string().describe("URI identifying the problem type: urn:durable-cluster:problem:<code>"),
    title: z.string().describe("Short summary of the problem type"),
    status: z.number().int().min(400).max(599).describe("HTTP status code"),
    detail: z.string().optional().describe("Explanation specific to this occurrence"),
    instance: z.string().optional().describe("The request path"),
    code: ProblemCodeSchema,
    requestId: z.string().optional().describe("X-Request-Id of the failing request"),
    errors: z.array(ProblemFieldErrorSchema).optional().describe("Failing input paths (validation errors)"),
  })
  .loose()
  .describe("RFC 9457 problem details");
export type Problem = z.infer<typeof ProblemSchema>;

/** Builds a problem body for a code. */
export function problemOf(code: ErrorCode, detail?: string, extra: Partial<Problem> = {}): Problem {
  const { status, title } = ERROR_CATALOGUE[code];
  return { type: problemType(code), title, status, code, ...(detail === undefined ? {} : { detail }), ...extra };
}

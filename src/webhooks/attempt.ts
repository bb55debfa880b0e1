import { checkOutboundUrl } from "../security/ssrf.ts";
import { parseRetryAfter } from "./schedule.ts";
import { signatureHeader } from "./signature.ts";

/** Each attempt gets 15 s to answer with its response headers. */
export const ATTEMPT_TIMEOUT_MS = 15_000;

/** How a fetch is made: `globalThis.fetch` in production; tests pass their own. */
export type Fetcher = (request: Request) => Promise<Response>;

export interface AttemptInput {
  readonly url: string;
  readonly eventId: string;
  readonly body: string;
  readonly secrets: readonly string[];
  readonly allowPrivate: boolean;
}

/** The outcome of one attempt. `retryAfterMs` is set on a 429/503 with a readable `Retry-After`. */
export interface AttemptOutcome {
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  readonly gone: boolean;
  readonly retryAfterMs?: number | undefined;
}

/** The request of one attempt: Standard Webhooks headers, signed for this attempt's timestamp. */
export async function attemptRequest(input: AttemptInput, now: number): Promise<Request> {
  const timestamp = Math.floor(now / 1000);
  return new Request(input.url, {
    method: "POST",
    redirect: "manual",
    body: input.body,
    headers: {
      "content-type": "application/json",
      "user-agent": "durable-cluster-webhooks/1",
      "webhook-id": input.eventId,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": await signatureHeader(input.secrets, input.eventId, timestamp, input.body),
    },
    signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
  });
}

/**
 * Sends one attempt. The URL is checked by the SSRF guard first (a refused URL fails the attempt
 * without a request); redirects are not followed (a 3xx is a failure); only a 2xx succeeds; a 410
 * reports `gone`; a 429/503 carries its `Retry-After`. Never throws.
 */
export async function sendAttempt(input: AttemptInput, fetcher: Fetcher, now: () => number): Promise<AttemptOutcome> {
  const started = now();
  const check = checkOutboundUrl(input.url, { allowPrivate: input.allowPrivate });
  if (!check.ok) return { ok: false, statusCode: null, latencyMs: 0, error: `url refused: ${check.reason}`, gone: false };
  try {
    const response = await fetcher(await attemptRequest(input, started));
    const latencyMs = Math.max(0, now() - started);
    await response.body?.cancel();
    const status = response.status;
    const ok = status >= 200 && status < 300;
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(response.headers.get("retry-after"), now()) : undefined;
    return { ok, statusCode: status, latencyMs, error: ok ? null : `HTTP ${status}`, gone: status === 410, retryAfterMs };
  } catch (err) {
    const latencyMs = Math.max(0, now() - started);
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return { ok: false, statusCode: null, latencyMs, error: timedOut ? `timed out after ${ATTEMPT_TIMEOUT_MS} ms` : `request failed: ${err instanceof Error ? err.message : String(err)}`, gone: false };
  }
}

import type { Router } from "../shards/index.ts";
import { checkOutboundUrl } from "../security/ssrf.ts";
import { AppError, type TaskAction } from "../spec/index.ts";

/** Outbound calls of `http` actions give up after 10 s. */
export const HTTP_ACTION_TIMEOUT_MS = 10_000;

const unprocessable = (what: string) => new AppError("unprocessable", `${what} actions are not available here`);

/** What event actions need from the events capability (injected: the singleton module does not depend on it). */
export interface ActionEvents {
  validate(type: string, payload: unknown): unknown;
  publish(event: { type: string; payload: unknown; partitionKey?: string | undefined }, eventId: string): Promise<unknown>;
}

/** What job actions need from the jobs capability (injected, like events). */
export interface ActionJobs {
  /** Throws 400 (paths under `type` / `input`) for an unknown job type or invalid input. */
  validate(job: { type: string; input: unknown; key?: string | undefined }): void;
  submit(job: { type: string; input: unknown; key?: string | undefined }, idempotencyKey: string): Promise<unknown>;
}

/** The event id of a tick's event: the tick id in the event-id charset. */
export function tickEventId(tickId: string): string {
  return `tick.${tickId.replace(/[^A-Za-z0-9._:-]/g, ".")}`.slice(0, 128);
}

/**
 * Checks an action before its task is stored: the entity type and message exist and the input is
 * valid (400 otherwise, nothing stored); an `http` URL passes the SSRF guard; an `event` or `job`
 * action is checked against its registry (422 where that capability is not wired).
 */
export function validateAction(action: TaskAction, router: Router, allowPrivateUrls: boolean, events?: ActionEvents, jobs?: ActionJobs): void {
  if (action.type === "entity") {
    const entity = router.registry.find(action.entityType);
    if (!entity) throw new AppError("validation_failed", `unknown entity type '${action.entityType}'`, { extra: { errors: [{ path: "action.entityType", message: "unknown entity type" }] } });
    const spec = Object.hasOwn(entity.messages, action.message) ? entity.messages[action.message] : undefined;
    if (!spec) throw new AppError("validation_failed", `entity type '${action.entityType}' has no message '${action.message}'`, { extra: { errors: [{ path: "action.message", message: "unknown message" }] } });
    router.locate(action.entityType, action.key);
    const input = spec.input.safeParse(action.input ?? {});
    if (!input.success) {
      throw new AppError("validation_failed", `invalid input for ${action.entityType}.${action.message}`, { extra: { errors: input.error.issues.map((i) => ({ path: ["action", "input", ...i.path].join("."), message: i.message })) } });
    }
  } else if (action.type === "http") {
    const check = checkOutboundUrl(action.url, { allowPrivate: allowPrivateUrls });
    if (!check.ok) throw new AppError("validation_failed", `action.url refused: ${check.reason}`, { extra: { errors: [{ path: "action.url", message: check.reason }] } });
  } else if (action.type === "event" && events) {
    try {
      events.validate(action.event, action.payload ?? {});
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const errors = (err.extra.errors ?? []).map((e) => ({ ...e, path: `action.${e.path === "type" ? "event" : e.path}` }));
      throw new AppError("validation_failed", err.message, { extra: { errors } });
    }
  } else if (action.type === "job" && jobs) {
    try {
      jobs.validate({ type: action.job, input: action.input ?? {}, key: action.key });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const errors = (err.extra.errors ?? []).map((e) => ({ ...e, path: `action.${e.path === "type" ? "job" : e.path}` }));
      throw new AppError("validation_failed", err.message, { extra: { errors } });
    }
  } else {
    throw unprocessable(action.type);
  }
}

/** Performs an action for one tick, with the tick id as its idempotency key. Throws on failure (the tick retries). */
export async function runAction(action: TaskAction, tickId: string, router: Router, allowPrivateUrls: boolean, events?: ActionEvents, jobs?: ActionJobs): Promise<void> {
  if (action.type === "entity") {
    await router.request(action.entityType, action.key, action.message, action.input ?? {}, { messageId: tickId, context: { requestId: tickId.replace(/[^\w=-]/g, "_") } });
    return;
  }
  if (action.type === "event" && events) {
    await events.publish({ type: action.event, payload: action.payload ?? {}, partitionKey: action.partitionKey }, tickEventId(tickId));
    return;
  }
  if (action.type === "job" && jobs) {
    await jobs.submit({ type: action.job, input: action.input ?? {}, key: action.key }, tickId);
    return;
  }
  if (action.type !== "http") throw unprocessable(action.type);
  const check = checkOutboundUrl(action.url, { allowPrivate: allowPrivateUrls });
  if (!check.ok) throw new Error(`url refused: ${check.reason}`);
  const res = await fetch(check.url, {
    method: action.method,
    headers: { ...action.headers, "idempotency-key": tickId },
    ...(action.body === undefined || action.method === "GET" ? {} : { body: action.body }),
    redirect: "manual",
    signal: AbortSignal.timeout(HTTP_ACTION_TIMEOUT_MS),
  });
  await res.body?.cancel();
  if (res.status < 200 || res.status >= 300) throw new Error(`${action.method} ${check.url.origin}${check.url.pathname} answered ${res.status}`);
}

import { AppError, runtimeConfig, validationError, WebhookConfigSchema, type WebhookConfig, type WebhookEndpointDisabled } from "../spec/index.ts";
import type { WebhookHostDeps } from "./webhook-host.ts";
import { clock } from "../clock.ts";

const cache = new WeakMap<object, WebhookConfig>();

/** The webhook knobs of an environment (`WEBHOOK_RETRY_SCHEDULE_SCALE`), parsed once; an invalid value is 503 `misconfigured` naming it. */
export function webhookConfig(env: object): WebhookConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = WebhookConfigSchema.safeParse(env);
  if (!parsed.success) {
    const invalid = validationError(parsed.error, "configuration");
    throw new AppError("misconfigured", invalid.message, { extra: invalid.extra });
  }
  cache.set(env, parsed.data);
  return parsed.data;
}

/** A tenant object's webhook dependencies from its environment: the real fetch and clock, and the configured knobs. */
export function webhookDeps(env: object, onDisabled: (event: WebhookEndpointDisabled) => Promise<void>): WebhookHostDeps {
  return { fetch: (request) => fetch(request), now: () => clock.now(), allowPrivate: runtimeConfig(env).WEBHOOKS_ALLOW_PRIVATE, scale: webhookConfig(env).WEBHOOK_RETRY_SCHEDULE_SCALE, onDisabled };
}

import { AppError, validationError, WebhookConfigSchema, type WebhookConfig } from "../spec/index.ts";

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

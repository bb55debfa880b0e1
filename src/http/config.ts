import { RuntimeConfigSchema, type RuntimeConfig } from "../spec";
import { AppError, validationError } from "./errors";

const cache = new WeakMap<object, RuntimeConfig>();

/**
 * Parses the runtime configuration from the Worker's environment once per environment object.
 * An invalid variable throws a 503 `misconfigured` naming the variable: the service refuses to
 * guess rather than run with a default the operator did not choose.
 */
export function runtimeConfig(env: object): RuntimeConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = RuntimeConfigSchema.safeParse(env);
  if (!parsed.success) {
    const invalid = validationError(parsed.error, "configuration");
    throw new AppError("misconfigured", invalid.message, { extra: invalid.extra });
  }
  cache.set(env, parsed.data);
  return parsed.data;
}

import type { MiddlewareHandler } from "hono";
import { MIN_PRODUCTION_TOKEN_LENGTH } from "../../spec/index.ts";
import { secretsEqual } from "../../security/constant-time.ts";
import { runtimeConfig } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";
import { AppError } from "../errors.ts";
import { isTenantKey, tenantKeyAuth } from "./tenant-key.ts";

/** Routes anyone may call: the probes, the API description and the inspector's shell (no data). Everything else is authenticated. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(["/livez", "/readyz", "/health", "/openapi.json", "/docs", "/inspector", "/inspector/app.js", "/inspector/app.css"]);

/** Routes authenticated by a user token instead (checked by the route: the upgrade, the SSE streams). */
const USER_TOKEN_PATH = /^\/(ws\/[^/]+|v1\/sse\/(users|topics)\/[^/]+)$/;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Admin authentication: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time.
 * With no `ADMIN_TOKEN` configured every protected route answers 401 (never an open API) and
 * `/readyz` 503; in production a short (< 32 characters) token makes them answer 503 `misconfigured`.
 */
export function adminAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (PUBLIC_PATHS.has(c.req.path) || USER_TOKEN_PATH.test(c.req.path)) return next();
    const config = runtimeConfig(c.env);
    const expected = config.ADMIN_TOKEN ?? "";
    if (config.ENVIRONMENT === "production" && expected.length > 0 && expected.length < MIN_PRODUCTION_TOKEN_LENGTH) {
      throw new AppError("misconfigured", `ADMIN_TOKEN must be set (at least ${MIN_PRODUCTION_TOKEN_LENGTH} characters) in production`);
    }
    const given = BEARER.exec(c.req.header("Authorization") ?? "")?.[1];
    if (given && isTenantKey(given)) return tenantKeyAuth(c, next, given);
    if (!given || !expected || !(await secretsEqual(given, expected))) {
      throw new AppError("unauthorized", given ? "invalid bearer token" : "missing bearer token", {
        headers: { "WWW-Authenticate": 'Bearer realm="durable-cluster"' },
      });
    }
    return next();
  };
}

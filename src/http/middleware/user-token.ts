import type { Context } from "hono";
import { verifyUserToken } from "../../realtime/tokens.ts";
import { AppError, runtimeConfig, type UserClaims } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The verified claims of the user token of a request: `Authorization: Bearer`, or the `token`
 * query parameter (browsers cannot set headers on a WebSocket or an `EventSource`). Missing,
 * expired or badly signed: 401. An `Origin` outside `ALLOWED_ORIGINS` (when set): 403.
 */
export async function userClaims(c: Context<AppEnv>): Promise<UserClaims> {
  const config = runtimeConfig(c.env);
  const origin = c.req.header("Origin");
  if (origin && config.ALLOWED_ORIGINS.length > 0 && !config.ALLOWED_ORIGINS.includes(origin)) throw new AppError("forbidden", `origin ${origin} is not allowed`);
  const token = BEARER.exec(c.req.header("Authorization") ?? "")?.[1] ?? c.req.query("token");
  if (!token) throw new AppError("unauthorized", "missing user token (Authorization: Bearer, or ?token=)", { headers: { "WWW-Authenticate": 'Bearer realm="durable-cluster"' } });
  return verifyUserToken(config, token);
}

/** Headers forwarded to a gateway: the caller's, without any `x-cluster-` header (those are the Worker's to set). */
export function forwardedHeaders(c: Context<AppEnv>): Headers {
  const headers = new Headers(c.req.raw.headers);
  for (const name of [...headers.keys()]) if (name.startsWith("x-cluster-")) headers.delete(name);
  return headers;
}

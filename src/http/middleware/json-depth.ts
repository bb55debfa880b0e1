import type { MiddlewareHandler } from "hono";
import { AppError, jsonTextDepth, MAX_JSON_DEPTH } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";

/** A JSON content type: `application/json` or `application/<anything>+json`. */
export const JSON_CONTENT_TYPE = /^application\/([\w.+-]*\+)?json\b/i;

/**
 * Refuses a JSON body nested deeper than `MAX_JSON_DEPTH` with 400 `payload_too_deep`, before any
 * validator parses it or any Durable Object is called (a deep value overflows the stack of schema
 * checks and of RPC serialization). The body text read here is the one the route reads again.
 */
export function jsonDepthGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.raw.body !== null && JSON_CONTENT_TYPE.test(c.req.header("content-type") ?? "")) {
      const depth = jsonTextDepth(await c.req.text());
      if (depth > MAX_JSON_DEPTH) throw new AppError("payload_too_deep", `the request body nests arrays and objects more than ${MAX_JSON_DEPTH} deep`);
    }
    await next();
  };
}

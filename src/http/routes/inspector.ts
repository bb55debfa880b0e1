import type { OpenAPIHono } from "@hono/zod-openapi";
import { INSPECTOR_CSP, INSPECTOR_CSS, INSPECTOR_HTML } from "../../inspector/page.ts";
import { INSPECTOR_JS } from "../../inspector/script.ts";
import type { AppEnv } from "../env.ts";

/** The inspector's shell and its two files: public (they hold no data), under a strict CSP. */
export const INSPECTOR_PATHS = ["/inspector", "/inspector/app.js", "/inspector/app.css"] as const;

const FILES: Record<(typeof INSPECTOR_PATHS)[number], { body: string; type: string }> = {
  "/inspector": { body: INSPECTOR_HTML, type: "text/html; charset=utf-8" },
  "/inspector/app.js": { body: INSPECTOR_JS, type: "text/javascript; charset=utf-8" },
  "/inspector/app.css": { body: INSPECTOR_CSS, type: "text/css; charset=utf-8" },
};

export function registerInspectorRoutes(app: OpenAPIHono<AppEnv>): void {
  for (const path of INSPECTOR_PATHS) {
    const file = FILES[path];
    app.get(path, (c) => {
      c.header("Content-Type", file.type);
      c.header("Content-Security-Policy", INSPECTOR_CSP);
      c.header("X-Content-Type-Options", "nosniff");
      c.header("Referrer-Policy", "no-referrer");
      c.header("Cache-Control", "no-cache");
      return c.body(file.body, 200);
    });
  }
}

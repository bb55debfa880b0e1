import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { readinessProbes } from "../../health/dependencies.ts";
import { healthReport, probeText, runProbes, type ProbeResult } from "../../health/probes.ts";
import { HealthReportSchema } from "../../spec/index.ts";
import { runtimeConfig } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";
import type { ClusterEnv } from "../../env.ts";
import { clock } from "../../clock.ts";

export const SERVICE = { serviceId: "durable-cluster", version: "0.2.0" } as const;

const verboseQuery = z.object({ verbose: z.string().optional().describe("Present: list every check, Kubernetes-style") });
const text = (description: string) => ({ description, content: { "text/plain": { schema: z.string() } } });

const livez = createRoute({
  method: "get",
  path: "/livez",
  tags: ["health"],
  summary: "Liveness: 200 whenever the Worker runs; touches no dependency",
  request: { query: verboseQuery },
  responses: { 200: text("The Worker runs") },
});

const readyz = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["health"],
  summary: "Readiness: 200 only when every dependency answers",
  request: { query: verboseQuery },
  responses: { 200: text("Every dependency answers"), 503: text("Some dependency failed; the failing checks are listed") },
});

const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["health"],
  summary: "Aggregate health with per-dependency latency (application/health+json)",
  responses: {
    200: { description: "pass or warn", content: { "application/health+json": { schema: HealthReportSchema } } },
    503: { description: "fail", content: { "application/health+json": { schema: HealthReportSchema } } },
  },
});

async function probe(env: ClusterEnv): Promise<ProbeResult[]> {
  const config = runtimeConfig(env);
  return runProbes(readinessProbes(env, config), { timeoutMs: config.HEALTH_PROBE_TIMEOUT_MS, warnMs: config.HEALTH_WARN_MS });
}

/** `/livez`, `/readyz` and `/health` (HLTH-01, HLTH-02). Probes run concurrently, each with a timeout. */
export function registerHealthRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(livez, (c) => {
    const alive: ProbeResult = { component: "worker", measurement: "uptime", componentType: "system", status: "pass", observedValue: 0, observedUnit: "ms", time: new Date(clock.now()).toISOString() };
    return c.text(probeText("livez", [alive], c.req.query("verbose") !== undefined), 200);
  });

  app.openapi(readyz, async (c) => {
    const results = await probe(c.env);
    const ready = results.every((r) => r.status !== "fail");
    c.header("Cache-Control", "no-store");
    return c.text(probeText("readyz", results, c.req.query("verbose") !== undefined), ready ? 200 : 503);
  });

  app.openapi(health, async (c) => {
    const report = healthReport(await probe(c.env), SERVICE);
    c.header("Content-Type", "application/health+json");
    c.header("Cache-Control", "no-store");
    return c.body(JSON.stringify(report), report.status === "fail" ? 503 : 200) as never;
  });
}

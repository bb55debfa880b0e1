import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { HealthReportSchema } from "../../src/spec/index.ts";
import { BASE, brokenNamespace, fetchWith, slowNamespace } from "./helpers.ts";

const get = (path: string) => exports.default.fetch(BASE + path);

describe("/livez", () => {
  it("answers 200 ok without touching any dependency", async () => {
    const res = await fetchWith({ SHARDS: undefined, EVENTS: undefined, ADMIN_TOKEN: undefined }, "/livez");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok\n");
  });

  it("lists its check Kubernetes-style with ?verbose", async () => {
    const res = await get("/livez?verbose");
    expect(await res.text()).toBe("[+]worker ok\nlivez check passed\n");
  });
});

describe("/readyz", () => {
  it("answers 200 when every Durable Object namespace, the queue, the workflow and the secret answer", async () => {
    const res = await get("/readyz");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok\n");
  });

  it("lists every check with ?verbose", async () => {
    const text = await (await get("/readyz?verbose")).text();
    for (const name of ["shard-object", "singleton-object", "gateway-object", "tenant-object", "events-queue", "sagas-workflow", "admin-token", "auth-secret"]) {
      expect(text).toContain(`[+]${name} ok`);
    }
    expect(text).toMatch(/readyz check passed\n$/);
  });

  it("answers 503 naming the failing dependency when a Durable Object does not answer", async () => {
    const res = await fetchWith({ TENANTS: brokenNamespace("tenant storage unavailable") }, "/readyz");
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain("[-]tenant-object failed: tenant storage unavailable");
    expect(text).toContain("[+]shard-object ok");
    expect(text).toMatch(/readyz check failed\n$/);
  });

  it("answers 503 when a binding is missing", async () => {
    const res = await fetchWith({ EVENTS: undefined, SAGAS: undefined }, "/readyz");
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain("[-]events-queue failed");
    expect(text).toContain("[-]sagas-workflow failed");
  });

  it("answers 503 when ADMIN_TOKEN is not configured", async () => {
    const res = await fetchWith({ ADMIN_TOKEN: undefined }, "/readyz");
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("[-]admin-token failed");
  });

  it("answers 503 when AUTH_SECRET is not configured", async () => {
    const res = await fetchWith({ AUTH_SECRET: undefined }, "/readyz");
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("[-]auth-secret failed");
  });
});

describe("/health", () => {
  it("reports pass with a latency per dependency in application/health+json", async () => {
    const res = await get("/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/health+json");
    const report = HealthReportSchema.parse(await res.json());
    expect(report.status).toBe("pass");
    expect(Object.keys(report.checks).sort()).toEqual([
      "admin-token:configured",
      "auth-secret:configured",
      "events-queue:binding",
      "gateway-object:responseTime",
      "sagas-workflow:binding",
      "shard-object:responseTime",
      "singleton-object:responseTime",
      "tenant-object:responseTime",
    ]);
    const shard = report.checks["shard-object:responseTime"]?.[0];
    expect(shard).toMatchObject({ status: "pass", observedUnit: "ms" });
    expect(shard?.observedValue).toBeGreaterThanOrEqual(0);
    expect(Date.parse(shard?.time ?? "")).not.toBeNaN();
  });

  it("fails a broken dependency with its output and answers 503", async () => {
    const res = await fetchWith({ SHARDS: brokenNamespace("boom") }, "/health");
    expect(res.status).toBe(503);
    const report = HealthReportSchema.parse(await res.json());
    expect(report.status).toBe("fail");
    expect(report.checks["shard-object:responseTime"]?.[0]).toMatchObject({ status: "fail", output: "boom" });
    expect(report.checks["gateway-object:responseTime"]?.[0]?.status).toBe("pass");
  });

  it("fails a slow probe by timeout, and the total time is about the slowest probe, not the sum", async () => {
    const started = Date.now();
    const res = await fetchWith(
      { HEALTH_PROBE_TIMEOUT_MS: "300", SHARDS: slowNamespace(5_000), SINGLETONS: slowNamespace(5_000), GATEWAYS: slowNamespace(5_000) },
      "/health",
    );
    const elapsed = Date.now() - started;
    expect(res.status).toBe(503);
    const report = HealthReportSchema.parse(await res.json());
    for (const key of ["shard-object:responseTime", "singleton-object:responseTime", "gateway-object:responseTime"]) {
      expect(report.checks[key]?.[0]).toMatchObject({ status: "fail", output: "timed out after 300 ms" });
    }
    expect(report.checks["tenant-object:responseTime"]?.[0]?.status).toBe("pass");
    expect(elapsed).toBeLessThan(900);
  });

  it("warns, but stays 200, when a probe passes slower than the warn threshold", async () => {
    const res = await fetchWith({ HEALTH_WARN_MS: "50", GATEWAYS: slowNamespace(150) }, "/health");
    expect(res.status).toBe(200);
    const report = HealthReportSchema.parse(await res.json());
    expect(report.status).toBe("warn");
    expect(report.checks["gateway-object:responseTime"]?.[0]?.status).toBe("warn");
  });
});

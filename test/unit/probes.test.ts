import { describe, expect, it } from "vitest";
import { healthReport, overallStatus, probeText, runProbes, type Probe } from "../../src/health/probes.ts";

const probe = (component: string, run: () => Promise<void>): Probe => ({ component, measurement: "responseTime", componentType: "datastore", run });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const options = { timeoutMs: 100, warnMs: 50 };

describe("runProbes", () => {
  it("passes fast probes and fails a rejecting one with its message", async () => {
    const results = await runProbes([probe("a", () => Promise.resolve()), probe("b", () => Promise.reject(new Error("down")))], options);
    expect(results.map((r) => [r.component, r.status, r.output])).toEqual([
      ["a", "pass", undefined],
      ["b", "fail", "down"],
    ]);
  });

  it("fails a probe that throws synchronously", async () => {
    const [result] = await runProbes([probe("sync", () => { throw new Error("sync throw"); })], options);
    expect(result).toMatchObject({ status: "fail", output: "sync throw" });
  });

  it("fails a probe that never settles by timeout: unknown is never healthy", async () => {
    const [result] = await runProbes([probe("hang", () => new Promise<void>(() => undefined))], options);
    expect(result).toMatchObject({ status: "fail", output: "timed out after 100 ms" });
  });

  it("runs probes concurrently: three 80 ms probes take about 80 ms, not 240", async () => {
    const started = Date.now();
    await runProbes([1, 2, 3].map((n) => probe(`p${n}`, () => sleep(80))), { timeoutMs: 1000, warnMs: 1000 });
    expect(Date.now() - started).toBeLessThan(200);
  });

  it("warns when a probe passes slower than the threshold", async () => {
    const clock = [0, 70, 70];
    const [result] = await runProbes([probe("slow", () => Promise.resolve())], { ...options, now: () => clock.shift() ?? 70 });
    expect(result).toMatchObject({ status: "warn", observedValue: 70 });
  });
});

describe("reports", () => {
  const at = "2026-01-01T00:00:00.000Z";
  const result = (component: string, status: "pass" | "warn" | "fail") => ({ component, measurement: "responseTime", componentType: "datastore" as const, status, observedValue: 1, observedUnit: "ms" as const, time: at });

  it("fails when any check fails or when there are no checks at all", () => {
    expect(overallStatus([result("a", "pass"), result("b", "warn")])).toBe("warn");
    expect(overallStatus([result("a", "pass"), result("b", "fail")])).toBe("fail");
    expect(overallStatus([])).toBe("fail");
  });

  it("keys health+json checks component:measurement with an array of observations", () => {
    const report = healthReport([result("shard-object", "pass")], { serviceId: "s", version: "1" });
    expect(report.checks).toEqual({ "shard-object:responseTime": [{ componentType: "datastore", status: "pass", observedValue: 1, observedUnit: "ms", time: at }] });
  });

  it("prints Kubernetes-style lines when verbose or failing", () => {
    expect(probeText("readyz", [result("a", "pass")], false)).toBe("ok\n");
    expect(probeText("readyz", [result("a", "pass")], true)).toBe("[+]a ok\nreadyz check passed\n");
    expect(probeText("readyz", [result("a", "pass"), { ...result("b", "fail"), output: "x" }], false)).toBe("[+]a ok\n[-]b failed: x\nreadyz check failed\n");
  });
});

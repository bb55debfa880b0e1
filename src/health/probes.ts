import { clock } from "../clock.ts";
import type { HealthCheckResult, HealthReport, HealthStatus } from "../spec/index.ts";

/** A dependency check: it passes when `run` resolves, fails when it rejects or times out. */
export interface Probe {
  /** Component name, e.g. `shard-object`. */
  readonly component: string;
  /** Measurement name, e.g. `responseTime`. */
  readonly measurement: string;
  readonly componentType: HealthCheckResult["componentType"];
  run(): Promise<void>;
}

/** The outcome of one probe. */
export interface ProbeResult extends HealthCheckResult {
  readonly component: string;
  readonly measurement: string;
}

export interface ProbeOptions {
  /** A probe still running after this many ms fails with a timeout (default 2,000). */
  readonly timeoutMs: number;
  /** A probe that passed slower than this reports `warn` (default 1,000). */
  readonly warnMs: number;
  readonly now?: () => number;
}

class ProbeTimeout extends Error {}

function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function runOne(probe: Probe, options: ProbeOptions): Promise<ProbeResult> {
  const now = options.now ?? clock.now;
  const started = now();
  let status: HealthStatus = "pass";
  let output: string | undefined;
  try {
    // `run()` may throw synchronously; wrapping it keeps the timeout and error path in one place.
    await withTimeout(Promise.resolve().then(() => probe.run()), options.timeoutMs);
  } catch (err) {
    status = "fail";
    output = err instanceof Error ? err.message : String(err);
  }
  const elapsed = now() - started;
  if (status === "pass" && elapsed > options.warnMs) {
    status = "warn";
    output = `slow: ${elapsed} ms (warn threshold ${options.warnMs} ms)`;
  }
  return {
    component: probe.component,
    measurement: probe.measurement,
    componentType: probe.componentType,
    status,
    observedValue: elapsed,
    observedUnit: "ms",
    time: new Date(now()).toISOString(),
    ...(output === undefined ? {} : { output }),
  };
}

/**
 * Runs every probe concurrently, each under its own timeout, so the total time is about the
 * slowest probe (capped by the timeout), not the sum. A probe that neither resolves nor rejects
 * in time is a failure: unknown is never healthy.
 */
export function runProbes(probes: readonly Probe[], options: ProbeOptions): Promise<ProbeResult[]> {
  return Promise.all(probes.map((probe) => runOne(probe, options)));
}

/** `fail` if any probe failed, else `warn` if any warned, else `pass`. No probes at all is `fail`. */
export function overallStatus(results: readonly ProbeResult[]): HealthStatus {
  if (results.length === 0 || results.some((r) => r.status === "fail")) return "fail";
  return results.some((r) => r.status === "warn") ? "warn" : "pass";
}

/** The `application/health+json` report. */
export function healthReport(results: readonly ProbeResult[], service: { version: string; serviceId: string }): HealthReport {
  const checks: HealthReport["checks"] = {};
  for (const { component, measurement, ...observation } of results) {
    (checks[`${component}:${measurement}`] ??= []).push(observation);
  }
  return { status: overallStatus(results), ...service, description: "durable-cluster dependencies", checks };
}

/**
 * Kubernetes-style text (`/livez`, `/readyz`): `ok` when healthy; with `verbose`, or whenever a
 * check failed, one `[+]name ok` / `[-]name failed: reason` line per check and a summary line.
 */
export function probeText(name: string, results: readonly ProbeResult[], verbose: boolean): string {
  const healthy = overallStatus(results) !== "fail";
  if (healthy && !verbose) return "ok\n";
  const lines = results.map((r) => (r.status === "fail" ? `[-]${r.component} failed: ${r.output ?? "unknown"}` : `[+]${r.component} ok`));
  return [...lines, `${name} check ${healthy ? "passed" : "failed"}`, ""].join("\n");
}

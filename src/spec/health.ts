import { z } from "zod";

/**
 * Health reports in the IETF draft format `application/health+json`
 * (draft-inadarei-api-health-check): `status` is `pass | warn | fail`, `checks` is keyed
 * `component:measurement` and each value is an array of observations, as the draft requires.
 */

export const HealthStatusSchema = z.enum(["pass", "warn", "fail"]).describe("pass: healthy; warn: healthy but slow; fail: unhealthy (unknown counts as fail)");
export type HealthStatus = z.infer<typeof HealthStatusSchema>;

/** One observation of one check. */
export const HealthCheckResultSchema = z
  .object({
    componentType: z.enum(["datastore", "component", "system"]).describe("Kind of dependency"),
    status: HealthStatusSchema,
    observedValue: z.number().describe("Probe latency"),
    observedUnit: z.literal("ms").describe("Unit of observedValue"),
    time: z.string().describe("ISO-8601 time the probe finished"),
    output: z.string().optional().describe("Why the check failed or warned"),
  })
  .describe("One health observation");
export type HealthCheckResult = z.infer<typeof HealthCheckResultSchema>;

export const HealthReportSchema = z
  .object({
    status: HealthStatusSchema,
    version: z.string().describe("Public version of the service"),
    serviceId: z.string().describe("Service name"),
    description: z.string().describe("What reports"),
    checks: z.record(z.string(), z.array(HealthCheckResultSchema)).describe("Keyed component:measurement"),
  })
  .describe("application/health+json report");
export type HealthReport = z.infer<typeof HealthReportSchema>;

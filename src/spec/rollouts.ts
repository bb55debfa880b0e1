import { z } from "zod";
import { AppInstallBundleSchema } from "./apps.ts";
import { DeployManifestSchema } from "./deploy.ts";
import { TenantIdSchema } from "./ids.ts";
import { TenantPlanNameSchema } from "./tenants.ts";

/** Fleet rollouts: one bundle or app version to many tenants, in waves, halting on failures. */

/** Tenants per rollout: each is one step of its Workflow run, and a run has at most 10,000 steps (Workers Paid). */
export const MAX_ROLLOUT_TENANTS = 9_000;
export const MAX_ROLLOUT_TENANT_IDS = MAX_ROLLOUT_TENANTS;
export const MAX_ROLLOUT_WAVES = 20;
export const MAX_ROLLOUT_CONCURRENCY = 50;
export const MAX_ROLLOUT_PAUSE_MS = 86_400_000;

const Percent = z.string().regex(/^(100|[1-9]?[0-9])(\.[0-9]+)?%$/, "a share like 10% (0% to 100%)");

export const RolloutTargetSchema = z
  .union([
    z.object({ bundle: DeployManifestSchema.describe("The tenant bundle's manifest, deployed as POST …/deployments would") }).strict(),
    z.object({ app: AppInstallBundleSchema.omit({ allowDestructive: true }).describe("An app version, installed or upgraded as POST …/apps would") }).strict(),
  ])
  .describe("What every tenant gets: a bundle, or an app version");
export type RolloutTarget = z.infer<typeof RolloutTargetSchema>;

export const RolloutTenantSelectorSchema = z
  .union([
    z.literal("all"),
    z.object({ ids: z.array(TenantIdSchema).min(1).max(MAX_ROLLOUT_TENANT_IDS) }).strict(),
    z.object({ plan: TenantPlanNameSchema }).strict(),
  ])
  .describe('"all", { ids: [...] } or { plan }');
export type RolloutTenantSelector = z.infer<typeof RolloutTenantSelectorSchema>;

/** Body of `POST /v1/rollouts`. */
export const CreateRolloutSchema = z
  .object({
    target: RolloutTargetSchema,
    tenants: RolloutTenantSelectorSchema.default("all"),
    waves: z.array(z.union([z.number().int().min(1), Percent])).min(1).max(MAX_ROLLOUT_WAVES).default([1, "10%", "100%"]).describe("Cumulative wave sizes: a count of tenants or a share of them; the last wave always reaches every tenant"),
    concurrency: z.number().int().min(1).max(MAX_ROLLOUT_CONCURRENCY).default(10).describe("Tenants deployed at once"),
    maxFailures: z.union([z.number().int().min(0), Percent]).default(0).describe("Failures tolerated before the rollout halts: a count or a share of its tenants"),
    pauseBetweenWavesMs: z.number().int().min(0).max(MAX_ROLLOUT_PAUSE_MS).default(0).describe("Pause after each wave but the last (status paused meanwhile)"),
    allowDestructive: z.boolean().default(false).describe("Let each tenant's plan drop or narrow"),
  })
  .strict()
  .describe("A rollout");
export type CreateRollout = z.infer<typeof CreateRolloutSchema>;
export type CreateRolloutInput = z.input<typeof CreateRolloutSchema>;

/** Body of `POST /v1/rollouts/{id}/resume`. */
export const ResumeRolloutSchema = z.object({ target: RolloutTargetSchema.optional().describe("A new target after a fix (validated up front)") }).strict().describe("Resume");

export const RolloutStatusSchema = z.enum(["running", "paused", "halted", "completed", "cancelled"]).describe("Rollout status");
export type RolloutStatus = z.infer<typeof RolloutStatusSchema>;
export const RolloutTenantStateSchema = z.enum(["pending", "running", "ready", "failed", "skipped"]).describe("A tenant's state in a rollout");
export type RolloutTenantState = z.infer<typeof RolloutTenantStateSchema>;

export const RolloutFailureSchema = z
  .object({
    tenantId: z.string(),
    stage: z.string().describe("validating, diffing, migrating, or deploying (the call itself)"),
    code: z.string().describe("Stable code (migration_failed, destructive_change, quota_exceeded, …)"),
    message: z.string(),
    statement: z.string().nullable().describe("The SQL statement that failed"),
    sqliteError: z.string().nullable().describe("SQLite's error"),
  })
  .describe("Why a tenant failed");
export type RolloutFailure = z.infer<typeof RolloutFailureSchema>;

const counts = z.object({ pending: z.number(), running: z.number(), ready: z.number(), failed: z.number(), skipped: z.number() }).describe("Tenants per state");
export type RolloutCounts = z.infer<typeof counts>;

export const RolloutSchema = z
  .object({
    id: z.string(),
    status: RolloutStatusSchema,
    target: z.object({ kind: z.enum(["bundle", "app", "rollback"]), name: z.string().nullable(), version: z.string(), checksum: z.string().nullable() }).describe("What is rolled out"),
    tenants: RolloutTenantSelectorSchema,
    waves: z.array(z.number()).describe("Cumulative tenant counts per wave"),
    currentWave: z.number().describe("1-based wave being run (the last one when done)"),
    concurrency: z.number(),
    maxFailures: z.number().describe("Failures tolerated (the share resolved to a count)"),
    pauseBetweenWavesMs: z.number(),
    allowDestructive: z.boolean(),
    total: z.number(),
    counts,
    failures: z.array(RolloutFailureSchema).describe("The first 100 failures"),
    rollbackOf: z.string().nullable().describe("The rollout this one rolls back"),
    runs: z.number().describe("Starts and resumes"),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    haltedAt: z.string().nullable(),
    ratePerSecond: z.number().describe("Tenants finished (ready, failed or skipped) per second since the start"),
  })
  .describe("A rollout's status");
export type Rollout = z.infer<typeof RolloutSchema>;

export const RolloutTenantSchema = z
  .object({
    tenantId: z.string(),
    wave: z.number().describe("1-based wave"),
    state: RolloutTenantStateSchema,
    reason: z.string().nullable().describe("Why skipped (at-target, suspended) or failed"),
    attempts: z.number(),
    deploymentId: z.string().nullable(),
    error: RolloutFailureSchema.nullable(),
    finishedAt: z.string().nullable(),
  })
  .describe("A tenant in a rollout");
export type RolloutTenant = z.infer<typeof RolloutTenantSchema>;

export const RolloutTenantPageSchema = z.object({ items: z.array(RolloutTenantSchema), nextCursor: z.string().nullable() }).describe("A page of tenants");
export type RolloutTenantPage = z.infer<typeof RolloutTenantPageSchema>;
export const RolloutPageSchema = z.object({ items: z.array(RolloutSchema), nextCursor: z.string().nullable() }).describe("A page of rollouts, newest first");
export type RolloutPage = z.infer<typeof RolloutPageSchema>;

/** What one tenant's step did (the tenant object's answer). */
export const RolloutOutcomeSchema = z.object({
  state: z.enum(["ready", "failed", "skipped"]),
  reason: z.string().nullable(),
  deploymentId: z.string().nullable(),
  error: RolloutFailureSchema.nullable(),
  previousChecksum: z.string().nullable(),
});
export type RolloutOutcome = z.infer<typeof RolloutOutcomeSchema>;

/** Event payloads: `rollout.progress`, `rollout.halted`, `rollout.completed`. */
export const RolloutEventSchema = z.object({ rolloutId: z.string(), status: RolloutStatusSchema, currentWave: z.number(), counts, failures: z.array(RolloutFailureSchema), at: z.string() }).describe("Rollout event payload");
export type RolloutEvent = z.infer<typeof RolloutEventSchema>;

import { z } from "zod";
import { TenantIdSchema } from "./ids.ts";

/**
 * Tenants (seed 002): a Durable Object database per tenant, its plan and quotas, its usage, its
 * provisioning steps and lifecycle, and the runtime context a tenant's requests carry.
 */

/** Where a tenant's data lives: `durable-object` here; the seed's other providers are listed for compatibility. */
export const DatabaseProviderSchema = z.enum(["durable-object", "turso", "postgres", "memory"]).describe("Database provider (durable-object: the tenant's own TenantObject SQLite)");
export type DatabaseProvider = z.infer<typeof DatabaseProviderSchema>;

/** `TenantProvisioningStatusEnum`. */
export const TenantProvisioningStatusSchema = z.enum(["provisioning", "active", "suspended", "failed", "destroying"]).describe("Tenant lifecycle status");
export type TenantProvisioningStatus = z.infer<typeof TenantProvisioningStatusSchema>;

/** Limits of a plan; each is enforced where it bites. */
export const TenantQuotaSchema = z
  .object({
    maxObjects: z.number().int().min(0).describe("Objects the tenant may deploy (checked at deploy)"),
    maxRecordsPerObject: z.number().int().min(0).describe("Records per object (checked at insert)"),
    maxDeploymentsPerDay: z.number().int().min(0).describe("Applied deployments in any 24 h (checked at deploy)"),
    maxStorageBytes: z.number().int().min(0).describe("Database size in bytes (checked at every write)"),
  })
  .strict()
  .describe("Tenant quota");
export type TenantQuota = z.infer<typeof TenantQuotaSchema>;

export const TenantPlanNameSchema = z.enum(["free", "pro", "enterprise"]).describe("Plan name");
export type TenantPlanName = z.infer<typeof TenantPlanNameSchema>;

/** A plan with its quota. */
export const TenantPlanSchema = z.object({ name: TenantPlanNameSchema, quota: TenantQuotaSchema }).strict().describe("Tenant plan");
export type TenantPlan = z.infer<typeof TenantPlanSchema>;

/** The plans and their default quotas. */
export const TENANT_PLANS: Record<TenantPlanName, TenantQuota> = {
  free: { maxObjects: 20, maxRecordsPerObject: 10_000, maxDeploymentsPerDay: 50, maxStorageBytes: 50 * 1024 * 1024 },
  pro: { maxObjects: 200, maxRecordsPerObject: 1_000_000, maxDeploymentsPerDay: 500, maxStorageBytes: 1024 * 1024 * 1024 },
  enterprise: { maxObjects: 1000, maxRecordsPerObject: 10_000_000, maxDeploymentsPerDay: 5000, maxStorageBytes: 10 * 1024 * 1024 * 1024 },
};

/** A tenant, as the registry and its own object know it. */
export const TenantSchema = z
  .object({
    id: TenantIdSchema,
    name: z.string().min(1).max(200).describe("Display name"),
    plan: TenantPlanNameSchema,
    quota: TenantQuotaSchema.describe("Effective quota: the plan's, with the overrides given at creation"),
    region: z.string().max(64).nullable().describe("Preferred region (a location hint), or null"),
    databaseProvider: DatabaseProviderSchema,
    provisioningStatus: TenantProvisioningStatusSchema,
    createdAt: z.string().describe("ISO time of registration"),
    updatedAt: z.string().describe("ISO time of the last lifecycle change"),
  })
  .describe("Tenant");
export type Tenant = z.infer<typeof TenantSchema>;

/** Body of `POST /v1/tenants`. */
export const CreateTenantSchema = z
  .object({
    id: TenantIdSchema.optional(),
    name: z.string().min(1).max(200).describe("Display name"),
    plan: TenantPlanNameSchema,
    region: z.string().min(1).max(64).optional().describe("Preferred region"),
    quota: TenantQuotaSchema.partial().optional().describe("Overrides of the plan's quota"),
  })
  .strict()
  .describe("A new tenant");
export type CreateTenant = z.infer<typeof CreateTenantSchema>;

export const TenantKeyScopeSchema = z.enum(["full-access", "read-only"]).describe("full-access: every tenant data route; read-only: GET only");
export type TenantKeyScope = z.infer<typeof TenantKeyScopeSchema>;

/** A tenant API key's public record (never the secret or its hash). */
export const TenantApiKeySchema = z
  .object({
    id: z.string().describe("Key id (kid_…)"),
    name: z.string().nullable().describe("Label"),
    scope: TenantKeyScopeSchema,
    prefix: z.string().describe("The key's first characters, to recognise it"),
    createdAt: z.string().describe("ISO time of creation"),
  })
  .describe("Tenant API key");
export type TenantApiKey = z.infer<typeof TenantApiKeySchema>;

export const CreateTenantKeySchema = z
  .object({ scope: TenantKeyScopeSchema.default("full-access"), name: z.string().min(1).max(100).optional().describe("Label") })
  .strict()
  .describe("A new tenant API key");
export type CreateTenantKey = z.infer<typeof CreateTenantKeySchema>;

/** A key with its secret `dck_<tenantId>_<secret>`: shown only once. */
export const TenantKeySecretSchema = z.object({ key: TenantApiKeySchema, apiKey: z.string().describe("dck_<tenantId>_<secret>, shown only this once") }).describe("A new key and its secret");
export type TenantKeySecret = z.infer<typeof TenantKeySecretSchema>;

/** Answer of `POST /v1/tenants`. */
export const TenantCreatedSchema = z.object({ tenant: TenantSchema, apiKey: z.string().describe("A full-access key, shown only this once") }).describe("A registered tenant");
export type TenantCreated = z.infer<typeof TenantCreatedSchema>;

/** A page of the registry. */
export const TenantPageSchema = z.object({ items: z.array(TenantSchema), nextCursor: z.string().nullable().describe("Pass as cursor for the next page") }).describe("Tenants");
export type TenantPage = z.infer<typeof TenantPageSchema>;

/** Current usage against the quota. */
export const TenantUsageSchema = z
  .object({
    objects: z.number().int().describe("Deployed objects"),
    records: z.record(z.string(), z.number().int()).describe("Records per object"),
    deploymentsToday: z.number().int().describe("Applied deployments in the last 24 h"),
    storageBytes: z.number().int().describe("Database size in bytes"),
    quota: TenantQuotaSchema,
  })
  .describe("Tenant usage");
export type TenantUsage = z.infer<typeof TenantUsageSchema>;

export const QuotaNameSchema = TenantQuotaSchema.keyof().describe("Which quota");

/** `QuotaEnforcementResult`: the body of a 403 `quota_exceeded` (and the check's result). */
export const QuotaEnforcementResultSchema = z
  .object({
    allowed: z.boolean().describe("Whether the operation may proceed"),
    quota: QuotaNameSchema,
    current: z.number().int().describe("Usage before the operation"),
    limit: z.number().int().describe("The quota's limit"),
  })
  .describe("Quota enforcement result");
export type QuotaEnforcementResult = z.infer<typeof QuotaEnforcementResultSchema>;

/** `TenantProvisioning` step status. */
export const ProvisioningStepStatusSchema = z.enum(["pending", "running", "completed", "failed", "skipped"]).describe("Provisioning step status");
export const ProvisioningStepSchema = z
  .object({
    name: z.enum(["register", "create_database", "apply_base_schema", "create_api_key", "activate"]).describe("Step"),
    status: ProvisioningStepStatusSchema,
    durationMs: z.number().describe("How long it took"),
  })
  .describe("One provisioning step");
export type ProvisioningStep = z.infer<typeof ProvisioningStepSchema>;

/** `TenantDatabaseLifecycle` hooks, published on the event bus as cluster-scoped events. */
export const TENANT_LIFECYCLE_EVENTS = { onTenantCreate: "tenant.created", onTenantSuspend: "tenant.suspended", onTenantResume: "tenant.resumed", onTenantDelete: "tenant.deleted" } as const;
export const TenantLifecycleEventSchema = z.object({ tenantId: z.string().describe("Tenant id"), status: TenantProvisioningStatusSchema.describe("Status after the change"), at: z.string().describe("ISO time") }).describe("Tenant lifecycle event payload");
export type TenantLifecycleEvent = z.infer<typeof TenantLifecycleEventSchema>;

/** What every handler of a tenant request sees. */
export const TenantRuntimeContextSchema = z
  .object({
    tenantId: TenantIdSchema,
    tenantPlan: TenantPlanNameSchema,
    tenantRegion: z.string().nullable().describe("The tenant's region, or null"),
    via: z.enum(["admin", "tenant-key"]).describe("How the request was authenticated"),
    scope: TenantKeyScopeSchema.describe("The key's scope (admin: full-access)"),
  })
  .describe("Tenant runtime context");
export type TenantRuntimeContext = z.infer<typeof TenantRuntimeContextSchema>;

import { z } from "zod";
import { FieldMetadataSchema, FlowMetadataSchema, MachineNameSchema, ObjectMetadataSchema, PermissionMetadataSchema, ViewMetadataSchema } from "./metadata.ts";

/** The deploy pipeline (seed 002): bundle, validation, diff, migration plan, status. */

/** `DeployStatusEnum`. */
export const DeployStatusSchema = z.enum(["validating", "diffing", "migrating", "registering", "ready", "failed", "rolling_back"]).describe("Deployment status");
export type DeployStatus = z.infer<typeof DeployStatusSchema>;

/** What is deployed: metadata, versioned and optionally checksummed. */
export const DeployManifestSchema = z
  .object({
    version: z.string().min(1).max(64).describe("Bundle version (free form, e.g. semver)"),
    checksum: z.string().regex(/^[0-9a-f]{64}$/).optional().describe("sha256 hex of the canonical JSON of { objects, views, flows, permissions }; checked when given"),
    objects: z.array(ObjectMetadataSchema).max(1000).describe("Objects"),
    views: z.array(ViewMetadataSchema).max(1000).default([]).describe("Views"),
    flows: z.array(FlowMetadataSchema).max(1000).default([]).describe("Flows"),
    permissions: z.array(PermissionMetadataSchema).max(1000).default([]).describe("Permissions"),
  })
  .strict()
  .describe("Deploy manifest");
export type DeployManifest = z.infer<typeof DeployManifestSchema>;
export type DeployManifestInput = z.input<typeof DeployManifestSchema>;

/** Body of `POST /v1/tenants/{tenant}/deployments`. */
export const DeployBundleSchema = z
  .object({
    manifest: DeployManifestSchema,
    allowDestructive: z.boolean().default(false).describe("Allow dropping objects or fields and narrowing types (default false)"),
  })
  .strict()
  .describe("Deploy bundle");
export type DeployBundle = z.infer<typeof DeployBundleSchema>;
export type DeployBundleInput = z.input<typeof DeployBundleSchema>;

export const FieldChangeSchema = z
  .object({
    name: MachineNameSchema,
    changes: z.array(z.string()).describe("Attributes that changed (type, required, …)"),
    before: FieldMetadataSchema,
    after: FieldMetadataSchema,
  })
  .describe("A modified field");

export const ObjectChangeSchema = z
  .object({
    name: MachineNameSchema,
    labelChanged: z.boolean().describe("The label changed"),
    fieldsAdded: z.array(FieldMetadataSchema).describe("New fields"),
    fieldsModified: z.array(FieldChangeSchema).describe("Changed fields"),
    fieldsRemoved: z.array(FieldMetadataSchema).describe("Removed fields"),
  })
  .describe("A modified object");
export type ObjectChange = z.infer<typeof ObjectChangeSchema>;

/** `DeployDiffSchema`: what changed against the deployed metadata. */
export const DeployDiffSchema = z
  .object({
    objectsAdded: z.array(ObjectMetadataSchema).describe("New objects"),
    objectsModified: z.array(ObjectChangeSchema).describe("Changed objects"),
    objectsRemoved: z.array(ObjectMetadataSchema).describe("Removed objects"),
    otherChanged: z.array(z.string()).describe("Views, flows and permissions added, changed or removed (kind:name)"),
    empty: z.boolean().describe("Nothing changed: the deploy is a no-op"),
  })
  .describe("Deploy diff");
export type DeployDiff = z.infer<typeof DeployDiffSchema>;

export const DeployIssueSchema = z.object({ path: z.string().describe("Dotted path in the bundle"), code: z.string().describe("Stable issue code"), message: z.string().describe("Why") }).describe("A validation issue");
export type DeployIssue = z.infer<typeof DeployIssueSchema>;

/** `DeployValidationResult`. */
export const DeployValidationResultSchema = z.object({ valid: z.boolean().describe("No errors"), errors: z.array(DeployIssueSchema).describe("Errors"), warnings: z.array(DeployIssueSchema).describe("Warnings") }).describe("Validation result");
export type DeployValidationResult = z.infer<typeof DeployValidationResultSchema>;

export const MigrationStatementSchema = z
  .object({
    sql: z.string().describe("The SQL statement"),
    reason: z.string().describe("Why it runs"),
    destructive: z.boolean().describe("It loses data (drop, narrowing)"),
  })
  .describe("One migration statement");
export type MigrationStatement = z.infer<typeof MigrationStatementSchema>;

/** `MigrationPlanSchema`: ordered statements, run in one transaction. */
export const MigrationPlanSchema = z.object({ statements: z.array(MigrationStatementSchema).describe("In execution order"), destructive: z.boolean().describe("Any statement is destructive") }).describe("Migration plan");
export type MigrationPlan = z.infer<typeof MigrationPlanSchema>;

export const DeploymentErrorSchema = z
  .object({
    stage: DeployStatusSchema.describe("Stage that failed"),
    code: z.string().describe("invalid_bundle | destructive_change | migration_failed"),
    message: z.string().describe("What went wrong"),
    statement: z.string().nullable().describe("The failing SQL statement (migration failures)"),
    sqliteError: z.string().nullable().describe("SQLite's error message (migration failures)"),
  })
  .describe("Why a deployment failed");
export type DeploymentError = z.infer<typeof DeploymentErrorSchema>;

export const DeploymentTimingsSchema = z.object({ validatingMs: z.number(), diffingMs: z.number(), migratingMs: z.number(), registeringMs: z.number(), totalMs: z.number() }).partial().describe("Milliseconds per stage");

/** A deployment, as `GET …/deployments/{deploymentId}` shows it. */
export const DeploymentSchema = z
  .object({
    id: z.string().describe("Deployment id (dep_…)"),
    status: DeployStatusSchema,
    dryRun: z.boolean().describe("Validated and planned only"),
    owner: z.string().describe("tenant, or app:<name> for an app install"),
    version: z.string().describe("The manifest version"),
    checksum: z.string().describe("sha256 of the manifest's metadata"),
    validation: DeployValidationResultSchema,
    diff: DeployDiffSchema.nullable().describe("Null when validation failed"),
    plan: MigrationPlanSchema.nullable().describe("Null when validation failed"),
    metadataVersion: z.number().int().describe("Metadata version after this deployment"),
    error: DeploymentErrorSchema.nullable().describe("Null unless failed"),
    timings: DeploymentTimingsSchema,
    createdAt: z.string().describe("ISO time"),
    finishedAt: z.string().nullable().describe("ISO time"),
  })
  .describe("Deployment");
export type Deployment = z.infer<typeof DeploymentSchema>;

export const DeployAcceptedSchema = z.object({ deploymentId: z.string().describe("GET …/deployments/{deploymentId}"), status: DeployStatusSchema }).describe("Deployment accepted");

/** One row of `GET …/deployments`: a deployment without its validation, diff and plan (GET it for those). */
export const DeploymentSummarySchema = DeploymentSchema.pick({ id: true, status: true, owner: true, version: true, metadataVersion: true, error: true, createdAt: true, finishedAt: true }).describe("Deployment summary");
export type DeploymentSummary = z.infer<typeof DeploymentSummarySchema>;

/** Query of `GET …/deployments`. */
export const DeploymentListQuerySchema = z
  .object({
    cursor: z.string().max(256).optional().describe("nextCursor of the previous page"),
    limit: z.coerce.number().int().min(1).max(200).optional().default(50).describe("Page size (default 50, at most 200)"),
  })
  .describe("A page of deployments, newest first");
export type DeploymentListQuery = z.infer<typeof DeploymentListQuerySchema>;

export const DeploymentPageSchema = z
  .object({ items: z.array(DeploymentSummarySchema).describe("Deployments, newest first"), nextCursor: z.string().nullable().describe("Pass as cursor for the next page; null at the end") })
  .describe("A page of deployments");
export type DeploymentPage = z.infer<typeof DeploymentPageSchema>;

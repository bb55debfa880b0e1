import { AppError, type DeployBundle, type DeployDiff, type Deployment, type DeploymentError, type MetadataChanged, type Tenant } from "../spec/index.ts";
import { manifestChecksum } from "./checksum.ts";
import type { DeploymentLog } from "./deployments.ts";
import { diffMetadata, othersOf } from "./diff.ts";
import type { MetadataStore } from "./metadata-store.ts";
import { planMigration } from "./planner.ts";
import { checkQuota, checkStorage, enforceQuota } from "./quotas.ts";
import type { TenantState } from "./tenant-state.ts";
import { validateManifest } from "./validate.ts";

export interface PipelineDeps {
  readonly storage: DurableObjectStorage;
  readonly state: TenantState;
  readonly metadata: MetadataStore;
  readonly log: DeploymentLog;
  readonly now: () => number;
}

export interface DeployOptions {
  /** `tenant`, or the app's name (its metadata is owned by `app:<name>`). */
  readonly owner: string;
  readonly dryRun: boolean;
  /** The manifest as posted, for the checksum. */
  readonly raw?: unknown;
}

export interface DeployOutcome {
  readonly deployment: Deployment;
  /** `metadata.changed` payloads to publish after the commit (empty unless applied). */
  readonly events: MetadataChanged[];
}

class MigrationFailure extends Error {
  constructor(readonly statement: string, readonly sqliteError: string) {
    super(sqliteError);
  }
}

const ownerKey = (owner: string): string => (owner === "tenant" ? "tenant" : `app:${owner}`);

function changeEvents(diff: DeployDiff, tenantId: string, from: number, deploymentId: string): MetadataChanged[] {
  const items: Pick<MetadataChanged, "type" | "name" | "operation">[] = [
    ...diff.objectsAdded.map((o) => ({ type: "object", name: o.name, operation: "create" as const })),
    ...diff.objectsModified.map((o) => ({ type: "object", name: o.name, operation: "update" as const })),
    ...diff.objectsRemoved.map((o) => ({ type: "object", name: o.name, operation: "delete" as const })),
    ...diff.otherChanged.map((k) => ({ type: k.split(":")[0] ?? "", name: k.split(":")[1] ?? "", operation: "update" as const })),
    { type: "bundle", name: deploymentId, operation: "publish" },
  ];
  return items.map((item, i) => ({ ...item, tenantId, version: from + i + 1, correlationId: deploymentId }));
}

/**
 * The deploy pipeline, inside the tenant's object: validate (schema already checked, then checksum,
 * names, references, quotas) → diff against the owner's deployed metadata → plan → migrate and
 * register in ONE transaction (any failing statement rolls back everything, schema and metadata)
 * → ready. Destructive plans are refused without `allowDestructive`. A dry run stops after the plan.
 * Quota refusals throw 403 `quota_exceeded`; every other failure is a `failed` deployment.
 */
export function runDeploy(deps: PipelineDeps, tenant: Tenant, bundle: DeployBundle, options: DeployOptions): DeployOutcome {
  const started = deps.now();
  const owner = ownerKey(options.owner);
  const { manifest } = bundle;
  const others = deps.metadata.objects({ notOwner: owner });
  const version = deps.state.metadataVersion();
  const base: Deployment = {
    id: `dep_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`, status: "validating", dryRun: options.dryRun, owner, version: manifest.version,
    checksum: manifestChecksum((options.raw ?? manifest) as Record<string, unknown>), validation: { valid: true, errors: [], warnings: [] }, diff: null, plan: null,
    metadataVersion: version, error: null, timings: {}, createdAt: new Date(started).toISOString(), finishedAt: null,
  };
  const finish = (d: Deployment, applied: boolean): Deployment => {
    const done = { ...d, finishedAt: new Date(deps.now()).toISOString(), timings: { ...d.timings, totalMs: deps.now() - started } };
    if (!options.dryRun) deps.log.save(done, applied, started);
    return done;
  };
  const fail = (d: Deployment, error: Omit<DeploymentError, "statement" | "sqliteError"> & Partial<DeploymentError>): DeployOutcome => ({ deployment: finish({ ...d, status: "failed", error: { statement: null, sqliteError: null, ...error } }, false), events: [] });

  enforceQuota(checkQuota(tenant.quota, "maxObjects", others.length, manifest.objects.length));
  enforceQuota(checkStorage(tenant.quota, deps.storage.sql.databaseSize));
  if (!options.dryRun) {
    const day = deps.log.lastDay(started);
    enforceQuota(checkQuota(tenant.quota, "maxDeploymentsPerDay", day.count), day.oldest === null ? undefined : (day.oldest + 86_400_000 - started) / 1000);
  }
  const validation = validateManifest(manifest, { owner: options.owner, otherObjects: others, raw: options.raw });
  let d: Deployment = { ...base, validation, timings: { validatingMs: deps.now() - started } };
  if (!validation.valid) return fail(d, { stage: "validating", code: "invalid_bundle", message: validation.errors.map((e) => `${e.path}: ${e.message}`).join("; ") });

  const t1 = deps.now();
  const current = deps.metadata.set(owner);
  const diff = diffMetadata(current, { objects: manifest.objects, others: othersOf(manifest) });
  const plan = planMigration(diff, current.objects, manifest.objects);
  d = { ...d, status: "diffing", diff, plan, timings: { ...d.timings, diffingMs: deps.now() - t1 } };
  if (plan.destructive && !bundle.allowDestructive) return fail(d, { stage: "diffing", code: "destructive_change", message: `the plan drops or narrows (${plan.statements.filter((s) => s.destructive).map((s) => s.reason).join("; ")}): deploy with allowDestructive: true` });
  if (options.dryRun) return { deployment: finish({ ...d, status: "ready" }, false), events: [] };
  if (diff.empty) return { deployment: finish({ ...d, status: "ready" }, true), events: [] };

  const events = changeEvents(diff, tenant.id, version, d.id);
  const t2 = deps.now();
  let registeringMs = 0;
  try {
    deps.storage.transactionSync(() => {
      for (const s of plan.statements) {
        try {
          deps.storage.sql.exec(s.sql);
        } catch (err) {
          throw new MigrationFailure(s.sql, err instanceof Error ? err.message : String(err));
        }
      }
      const t3 = deps.now();
      deps.metadata.register(owner, manifest, version + events.length);
      deps.state.setMetadataVersion(version + events.length);
      registeringMs = deps.now() - t3;
    });
  } catch (err) {
    if (!(err instanceof MigrationFailure)) throw err;
    return fail({ ...d, status: "migrating", timings: { ...d.timings, migratingMs: deps.now() - t2 } }, { stage: "migrating", code: "migration_failed", message: `rolled back: ${err.sqliteError}`, statement: err.statement, sqliteError: err.sqliteError });
  }
  d = { ...d, status: "ready", metadataVersion: version + events.length, timings: { ...d.timings, migratingMs: deps.now() - t2 - registeringMs, registeringMs } };
  return { deployment: finish(d, true), events };
}

/** 404 unless the deployment exists. */
export function requireDeployment(log: DeploymentLog, id: string): Deployment {
  if (!/^dep_[0-9a-f]{24}$/.test(id)) throw new AppError("not_found", `no deployment '${id}'`);
  return log.get(id);
}

import { AppError, type DeployManifest, type MetadataChanged, type RolloutOutcome, type RolloutTarget, type Tenant } from "../spec/index.ts";
import { appObjects, installApp, type AppStore } from "./apps.ts";
import { manifestChecksum } from "./checksum.ts";
import { runDeploy, type DeployOutcome, type PipelineDeps } from "./pipeline.ts";

/** One tenant's step of a rollout: what to apply, and whether only to plan it. */
export interface RolloutStep {
  readonly rolloutId: string;
  /** The target, or the rollout whose previous bundle this tenant goes back to. */
  readonly target: RolloutTarget | { readonly rollbackOf: string };
  readonly allowDestructive: boolean;
  /** Plan only (a rollback's check up front): nothing is applied or recorded. */
  readonly dryRun?: boolean;
}

interface Row extends Record<string, SqlStorageValue> { outcome: string; owner: string; previous: string }

/** The key a step is recorded under: the rollout and what it applies (a resume with a new target is a new step). */
function stepKey(step: RolloutStep): string {
  const t = step.target;
  if ("rollbackOf" in t) return `${step.rolloutId}:rollback`;
  if ("bundle" in t) return `${step.rolloutId}:bundle:${t.bundle.version}:${digest(t.bundle)}`;
  return `${step.rolloutId}:app:${t.app.name}:${t.app.version}:${digest({ objects: t.app.objects })}`;
}

/** A bundle's content, whatever the order of its objects, views, flows and permissions. */
function digest(m: Partial<Pick<DeployManifest, "objects" | "views" | "flows" | "permissions">>): string {
  const byName = <T extends { name: string }>(list: readonly T[] | undefined) => [...(list ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return manifestChecksum({ objects: byName(m.objects), views: byName(m.views), flows: byName(m.flows), permissions: byName(m.permissions) });
}

/** A tenant's failed outcome in a rollout (its `reason` is the code). */
export const failedOutcome = (tenantId: string, stage: string, code: string, message: string, statement: string | null = null, sqliteError: string | null = null): RolloutOutcome => ({
  state: "failed", reason: code, deploymentId: null, previousChecksum: null, error: { tenantId, stage, code, message, statement, sqliteError },
});

/**
 * Applies a rollout's target to this tenant through the deploy pipeline (its one transaction, its
 * diff), once per rollout and target: a step retried after a crash gets the outcome recorded the
 * first time, never a second deploy or a `skipped` for what it applied itself. A suspended tenant
 * is skipped (`suspended`); a tenant already at the target too (`at-target`, an empty diff). The
 * owner's bundle before the step is kept, so a rollback can deploy it again.
 */
export function applyRollout(deps: PipelineDeps, apps: AppStore, tenantId: string, step: RolloutStep): { outcome: RolloutOutcome; events: MetadataChanged[] } {
  const tenant = deps.state.find();
  if (!tenant || tenant.id !== tenantId || tenant.provisioningStatus === "destroying") return { outcome: failedOutcome(tenantId, "deploying", "not_found", `no tenant '${tenantId}'`), events: [] };
  if (tenant.provisioningStatus !== "active") return { outcome: { state: "skipped", reason: tenant.provisioningStatus, deploymentId: null, error: null, previousChecksum: null }, events: [] };
  const key = stepKey(step);
  const done = deps.storage.sql.exec<Row>("SELECT outcome, owner, previous FROM tenant_rollouts WHERE step = ?", key).toArray()[0];
  const { owner, manifest, run } = resolve(deps, apps, tenant, step);
  const previous = ownerManifest(deps, owner);
  const previousChecksum = digest(previous);
  const atTarget = digest(manifest) === previousChecksum;
  // A step done before answers as it did while the tenant still has what it applied (a retry after a crash); after another target since, it applies again.
  if (done && !step.dryRun && atTarget) return { outcome: JSON.parse(done.outcome) as RolloutOutcome, events: [] };
  if (atTarget) {
    // Already at the target: nothing is deployed (a no-op deploy would still count against the daily quota).
    const outcome: RolloutOutcome = { state: "skipped", reason: "at-target", deploymentId: null, error: null, previousChecksum };
    if (!step.dryRun) record(deps, key, step, outcome, owner, previous);
    return { outcome, events: [] };
  }
  let result: DeployOutcome;
  try {
    result = run(manifest, step.dryRun ?? false);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { outcome: failedOutcome(tenantId, "validating", err.code, err.message), events: [] };
  }
  const d = result.deployment;
  const outcome: RolloutOutcome = d.status !== "ready"
    ? { ...failedOutcome(tenantId, d.error?.stage ?? "deploying", d.error?.code ?? "failed", d.error?.message ?? "failed", d.error?.statement ?? null, d.error?.sqliteError ?? null), deploymentId: d.id }
    : { state: d.diff?.empty ? "skipped" : "ready", reason: d.diff?.empty ? "at-target" : null, deploymentId: d.id, error: null, previousChecksum };
  if (!step.dryRun && outcome.state !== "failed") record(deps, key, step, outcome, owner, previous);
  return { outcome, events: result.events };
}

/** Records a step's outcome and the bundle it replaced (failures are not recorded: a resume tries them again). */
function record(deps: PipelineDeps, key: string, step: RolloutStep, outcome: RolloutOutcome, owner: string, previous: DeployManifest): void {
  // The bundle before the rollout first reached this tenant, and when, stay as first recorded: a rollback goes back to them.
  deps.storage.sql.exec("INSERT INTO tenant_rollouts (step, rollout_id, outcome, owner, previous, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (step) DO UPDATE SET outcome = excluded.outcome", key, step.rolloutId, JSON.stringify(outcome), owner, JSON.stringify(previous), deps.now());
}

type Run = (manifest: DeployManifest, dryRun: boolean) => DeployOutcome;

/** The owner of the metadata a step changes, the manifest it deploys, and how. */
function resolve(deps: PipelineDeps, apps: AppStore, tenant: Tenant, step: RolloutStep): { owner: string; manifest: DeployManifest; run: Run } {
  const deploy = (owner: string): Run => (manifest, dryRun) => runDeploy(deps, tenant, { manifest, allowDestructive: step.allowDestructive }, { owner, dryRun, raw: manifest });
  if ("rollbackOf" in step.target) {
    // The rollout's first step here: what the tenant had before that rollout (a resume with a new target adds a later one).
    const row = deps.storage.sql.exec<Row>("SELECT owner, previous FROM tenant_rollouts WHERE rollout_id = ? ORDER BY at LIMIT 1", step.target.rollbackOf).toArray()[0];
    if (!row) throw new AppError("not_found", `tenant '${tenant.id}' has no bundle from before rollout '${step.target.rollbackOf}'`);
    return { owner: row.owner, manifest: JSON.parse(row.previous) as DeployManifest, run: deploy(row.owner) };
  }
  if ("bundle" in step.target) return { owner: "tenant", manifest: step.target.bundle, run: deploy("tenant") };
  const app = { ...step.target.app, allowDestructive: step.allowDestructive };
  const own = (manifest: DeployManifest, dryRun: boolean): DeployOutcome => {
    if (dryRun) return deploy(app.name)(manifest, true);
    const { result, events } = installApp(deps, apps, tenant, app);
    return { deployment: result.deployment, events };
  };
  return { owner: app.name, manifest: { version: app.version, objects: appObjects(app), views: [], flows: [], permissions: [] }, run: own };
}

/** The manifest an owner has deployed now (its version from its last applied deployment). */
function ownerManifest(deps: PipelineDeps, owner: string): DeployManifest {
  const key = owner === "tenant" ? "tenant" : `app:${owner}`;
  const set = deps.metadata.set(key);
  const others = { views: [] as unknown[], flows: [] as unknown[], permissions: [] as unknown[] };
  for (const [kind, definition] of set.others) {
    const list = kind.startsWith("view:") ? others.views : kind.startsWith("flow:") ? others.flows : others.permissions;
    list.push(JSON.parse(definition));
  }
  return { version: deps.log.lastAppliedVersion(key) ?? "0", objects: set.objects, ...others } as DeployManifest;
}

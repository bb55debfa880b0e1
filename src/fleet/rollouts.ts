import { unwrap } from "../shards/delivery.ts";
import { AppError, MAX_ROLLOUT_TENANTS, TenantIdSchema, type CreateRollout, type Rollout, type RolloutTarget, type Tenant, type TenantPage } from "../spec/index.ts";
import { appObjects } from "../tenants/apps.ts";
import { manifestChecksum } from "../tenants/checksum.ts";
import { hashKey } from "../tenants/keys.ts";
import { registryStub, tenantStub } from "../tenants/tenant-client.ts";
import { tenantNamespace } from "../tenants/lifecycle.ts";
import { tenantExists } from "../tenants/known-tenants.ts";
import { validateManifest } from "../tenants/validate.ts";
import type { ClusterEnv } from "../env.ts";
import { fleetStub, launchRun } from "./fleet-client.ts";
import type { RolloutMember, RolloutSpec } from "./rollout-store.ts";

const newRolloutId = (): string => `ro_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
/** An Idempotency-Key fixes the id: the same key names the same rollout. */
const rolloutIdOf = (key: string): string => `ro_${hashKey(key).slice(0, 24)}`;

/** 400 `validation_failed` listing the target's invalid paths, before anything starts. */
export function checkTarget(target: RolloutTarget, at: string): Rollout["target"] {
  const app = "app" in target ? target.app : undefined;
  const manifest = "bundle" in target ? target.bundle : { version: app?.version ?? "", objects: app ? appObjects(app) : [], views: [], flows: [], permissions: [] };
  const result = validateManifest(manifest, { owner: app?.name ?? "tenant", otherObjects: [], raw: "bundle" in target ? target.bundle : manifest });
  if (!result.valid) {
    const errors = result.errors.map((e) => ({ path: `${at}.${app ? "app" : "bundle"}.${e.path}`, message: e.message, code: e.code }));
    throw new AppError("validation_failed", `invalid target: ${errors[0]?.path ?? ""}: ${errors[0]?.message ?? ""}`, { extra: { errors } });
  }
  return app ? { kind: "app", name: app.name, version: app.version, checksum: null } : { kind: "bundle", name: null, version: manifest.version, checksum: manifestChecksum(manifest) };
}

/** The tenants the registry lists after `cursor`, in id order, that `keep` keeps: up to `limit` of them (all without). */
async function scanTenants(env: ClusterEnv, cursor: string | undefined, keep: (t: Tenant) => boolean, limit = Infinity): Promise<TenantPage> {
  const registry = registryStub(tenantNamespace(env));
  const out: Tenant[] = [];
  for (let at = cursor; ; ) {
    const page = await registry.registryList(at, 1000);
    for (const t of page.items) {
      if (!keep(t)) continue;
      if (out.length === limit) return { items: out, nextCursor: out.at(-1)?.id ?? null };
      out.push(t);
    }
    if (page.nextCursor === null) return { items: out, nextCursor: null };
    at = page.nextCursor;
  }
}

const allTenants = async (env: ClusterEnv): Promise<Tenant[]> => (await scanTenants(env, undefined, () => true)).items;

/** The tenants of `ids` the registry still lists. */
async function existing(env: ClusterEnv, ids: readonly string[]): Promise<string[]> {
  const listed = await Promise.all(ids.map((id) => tenantExists(env, id)));
  return ids.filter((_, i) => listed[i]);
}

/** `GET /v1/tenants?behind=true`: the registry's tenants that the fleet lists as behind its target (see `RolloutStore.behind`). */
export async function behindTenants(env: ClusterEnv, cursor: string | undefined, limit: number): Promise<TenantPage> {
  const behind = new Set(unwrap(await fleetStub(env).rolloutBehind()));
  return behind.size === 0 ? { items: [], nextCursor: null } : scanTenants(env, cursor, (t) => behind.has(t.id), limit);
}

/** The members of a selector; unknown ids are a 400 naming them. */
async function membersOf(env: ClusterEnv, selector: CreateRollout["tenants"]): Promise<RolloutMember[]> {
  const tenants = await allTenants(env);
  const member = (t: Tenant): RolloutMember => ({ id: t.id, status: t.provisioningStatus });
  if (selector === "all") return tenants.map(member);
  if ("plan" in selector) return tenants.filter((t) => t.plan === selector.plan).map(member);
  const byId = new Map(tenants.map((t) => [t.id, t]));
  const unknown = selector.ids.map((id, i) => ({ id, i })).filter(({ id }) => !byId.has(id));
  if (unknown.length > 0) throw new AppError("validation_failed", `unknown tenant '${unknown[0]?.id ?? ""}'`, { extra: { errors: unknown.slice(0, 100).map(({ id, i }) => ({ path: `tenants.ids.${i}`, message: `no tenant '${id}'` })) } });
  return [...new Set(selector.ids)].sort().map((id) => member(byId.get(id) as Tenant));
}

/**
 * Cumulative wave sizes over `total` tenants: a wave that would add no tenant is dropped, and when
 * the last does not reach every tenant one more wave does.
 */
export function waveSizes(waves: CreateRollout["waves"], total: number): number[] {
  const out: number[] = [];
  for (const w of waves) {
    const size = Math.min(total, typeof w === "number" ? w : Math.ceil((Number.parseFloat(w) / 100) * total));
    if (size > (out.at(-1) ?? 0)) out.push(size);
  }
  if ((out.at(-1) ?? 0) < total || out.length === 0) out.push(total);
  return out;
}

const failuresAllowed = (maxFailures: CreateRollout["maxFailures"], total: number): number => (typeof maxFailures === "number" ? maxFailures : Math.floor((Number.parseFloat(maxFailures) / 100) * total));

/** Starts a rollout (202): the target validated once, the tenants fixed, the Workflow started. */
export async function startRollout(env: ClusterEnv, input: CreateRollout, idempotencyKey: string | undefined): Promise<{ rolloutId: string; duplicate: boolean }> {
  const summary = checkTarget(input.target, "target");
  const members = await membersOf(env, input.tenants);
  if (members.length > MAX_ROLLOUT_TENANTS) throw new AppError("validation_failed", `a rollout reaches at most ${MAX_ROLLOUT_TENANTS} tenants (one Workflow step each), this one ${members.length}: split it by plan or ids`, { extra: { errors: [{ path: "tenants", message: `at most ${MAX_ROLLOUT_TENANTS} tenants` }] } });
  const spec: RolloutSpec = {
    target: input.target, summary, tenants: input.tenants, waves: waveSizes(input.waves, members.length), concurrency: input.concurrency,
    maxFailures: failuresAllowed(input.maxFailures, members.length), pauseBetweenWavesMs: input.pauseBetweenWavesMs, allowDestructive: input.allowDestructive, rollbackOf: null,
  };
  // Client keys and the platform's own (a rollback's) live apart: no Idempotency-Key can name a rollback.
  const key = idempotencyKey === undefined ? null : `key:${idempotencyKey}`;
  const id = key === null ? newRolloutId() : rolloutIdOf(key);
  const { rollout, created } = unwrap(await fleetStub(env).rolloutCreate(id, key, spec, members));
  if (rollout.status === "running") await launchRun(env, { rolloutId: rollout.id, run: rollout.runs }, !created);
  return { rolloutId: rollout.id, duplicate: !created };
}

/** Resumes a halted, paused or cancelled rollout, with a new target when given. */
export async function resumeRollout(env: ClusterEnv, id: string, target: RolloutTarget | undefined): Promise<Rollout> {
  const summary = target ? checkTarget(target, "target") : undefined;
  // The run before stops at its next call (superseded); its steps in flight still record what their tenants did.
  const { run } = unwrap(await fleetStub(env).rolloutResume(id, target, summary));
  await launchRun(env, { rolloutId: id, run }, false);
  return unwrap(await fleetStub(env).rolloutGet(id));
}

/** Cancels a rollout: no tenant starts after this; those in flight finish. */
export async function cancelRollout(env: ClusterEnv, id: string): Promise<Rollout> {
  // The run stops at its next claim (or when its pause ends); its steps in flight still record what their tenants did.
  return unwrap(await fleetStub(env).rolloutTransition(id, ["running", "paused", "halted"], "cancelled"));
}

/**
 * Rolls a rollout back (202): a new rollout, in default waves and halting at the first failure, of
 * each tenant it made ready back to the bundle that tenant had before, never destructively. One
 * tenant of each group that had the same bundle before is planned first (a dry run); when any plan
 * would drop or narrow, 409 says which and why, and nothing starts. A halted rollout is cancelled
 * by its rollback; a running or paused one must be cancelled first. Repeating the call answers the
 * same rollback.
 */
export async function rollbackRollout(env: ClusterEnv, id: string): Promise<{ rolloutId: string; duplicate: boolean }> {
  const fleet = fleetStub(env);
  const original = unwrap(await fleet.rolloutGet(id));
  if (original.target.kind === "rollback") throw new AppError("conflict", `rollout '${id}' is itself a rollback: start a rollout of the bundle you want instead`);
  const key = `rollback:${id}:${original.runs}`; // a rollout resumed since can be rolled back again
  const rolloutId = rolloutIdOf(key);
  if (original.status === "running" || original.status === "paused") throw new AppError("conflict", `rollout '${id}' is ${original.status}: cancel it first, or let it halt or complete`);
  // Tenants destroyed since are left out: reaching one would create its object again.
  const groups = (await Promise.all(unwrap(await fleet.rolloutReadyByPrevious(id)).map(async (g) => ({ ...g, tenants: await existing(env, g.tenants) })))).filter((g) => g.tenants.length > 0);
  if (groups.length === 0) throw new AppError("conflict", `rollout '${id}' brought no tenant to its target: there is nothing to roll back`);
  const ns = tenantNamespace(env);
  const refusals: { path: string; message: string }[] = [];
  for (const { tenants } of groups) {
    const tenantId = tenants[0] ?? "";
    const planned = await tenantStub(ns, tenantId).applyRollout(tenantId, { rolloutId, target: { rollbackOf: id }, allowDestructive: false, dryRun: true });
    const why = !planned.ok ? (planned.problem.detail ?? planned.problem.title) : planned.value.state === "failed" ? (planned.value.error?.message ?? "refused") : null;
    if (why !== null) refusals.push({ path: tenantId, message: `${why}${tenants.length > 1 ? ` (and ${tenants.length - 1} more tenants with the same bundle before)` : ""}` });
  }
  if (refusals.length > 0) throw new AppError("conflict", `rollout '${id}' cannot be rolled back without losing data: ${refusals[0]?.path ?? ""}: ${refusals[0]?.message ?? ""}`, { extra: { errors: refusals } });
  const members = groups.flatMap((g) => g.tenants).sort().map((t): RolloutMember => ({ id: t, status: "active" }));
  const spec: RolloutSpec = {
    target: { rollbackOf: id }, summary: { kind: "rollback", name: null, version: `before ${id}`, checksum: null }, tenants: { ids: members.map((m) => TenantIdSchema.parse(m.id)) },
    waves: waveSizes([1, "10%", "100%"], members.length), concurrency: original.concurrency, maxFailures: 0, pauseBetweenWavesMs: 0, allowDestructive: false, rollbackOf: id,
  };
  const { rollout, created } = unwrap(await fleet.rolloutCreate(rolloutId, key, spec, members, id));
  if (rollout.status === "running") await launchRun(env, { rolloutId, run: rollout.runs }, !created);
  return { rolloutId, duplicate: !created };
}

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { unwrap } from "../shards/delivery.ts";
import { AppError, type CreateRollout, type Rollout, type RolloutTarget, type Tenant } from "../spec/index.ts";
import { manifestChecksum } from "../tenants/checksum.ts";
import { registryStub } from "../tenants/tenant-client.ts";
import { tenantNamespace } from "../tenants/lifecycle.ts";
import { validateManifest } from "../tenants/validate.ts";
import type { ClusterEnv } from "../env.ts";
import { fleetStub } from "./fleet-client.ts";
import type { RolloutParams } from "./rollout-runner.ts";
import type { RolloutMember, RolloutSpec } from "./rollout-store.ts";

const newRolloutId = (): string => `ro_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
/** An Idempotency-Key fixes the id: the same key names the same rollout. */
const rolloutIdOf = (key: string): string => `ro_${bytesToHex(sha256(new TextEncoder().encode(key))).slice(0, 24)}`;

/** 400 `validation_failed` listing the target's invalid paths, before anything starts. */
export function checkTarget(target: RolloutTarget, at: string): Rollout["target"] {
  const app = "app" in target ? target.app : undefined;
  const manifest = "bundle" in target ? target.bundle : { version: app?.version ?? "", objects: (app?.objects ?? []).map((o) => ({ ...o, name: `${app?.name ?? ""}__${o.name}`, fields: o.fields.map((f) => (f.reference && app?.objects.some((x) => x.name === f.reference) ? { ...f, reference: `${app.name}__${f.reference}` } : f)) })), views: [], flows: [], permissions: [] };
  const result = validateManifest(manifest, { owner: app?.name ?? "tenant", otherObjects: [], raw: "bundle" in target ? target.bundle : manifest });
  if (!result.valid) {
    const errors = result.errors.map((e) => ({ path: `${at}.${app ? "app" : "bundle"}.${e.path}`, message: e.message, code: e.code }));
    throw new AppError("validation_failed", `invalid target: ${errors[0]?.path ?? ""}: ${errors[0]?.message ?? ""}`, { extra: { errors } });
  }
  return app ? { kind: "app", name: app.name, version: app.version, checksum: null } : { kind: "bundle", name: null, version: manifest.version, checksum: manifestChecksum(manifest) };
}

/** Every tenant the registry lists, in id order. */
async function allTenants(env: ClusterEnv): Promise<Tenant[]> {
  const registry = registryStub(tenantNamespace(env));
  const out: Tenant[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await registry.registryList(cursor, 1000);
    out.push(...page.items);
    if (page.nextCursor === null) return out;
    cursor = page.nextCursor;
  }
}

/** The members of a selector; unknown ids are a 400 naming them. */
async function membersOf(env: ClusterEnv, selector: CreateRollout["tenants"]): Promise<RolloutMember[]> {
  const tenants = await allTenants(env);
  const member = (t: Tenant): RolloutMember => ({ id: t.id, active: t.provisioningStatus === "active" });
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

/** Creates the run's Workflow instance; a repeated request (`known`) first looks for the one it made. */
async function launch(env: ClusterEnv, params: RolloutParams, known: boolean): Promise<void> {
  const id = `${params.rolloutId}-${params.run}`;
  if (known && (await env.ROLLOUTS.get(id).then(() => true, () => false))) return;
  await env.ROLLOUTS.create({ id, params });
}

/** Starts a rollout (202): the target validated once, the tenants fixed, the Workflow started. */
export async function startRollout(env: ClusterEnv, input: CreateRollout, idempotencyKey: string | undefined): Promise<{ rolloutId: string; duplicate: boolean }> {
  const summary = checkTarget(input.target, "target");
  const members = await membersOf(env, input.tenants);
  const spec: RolloutSpec = {
    target: input.target, summary, tenants: input.tenants, waves: waveSizes(input.waves, members.length), concurrency: input.concurrency,
    maxFailures: failuresAllowed(input.maxFailures, members.length), pauseBetweenWavesMs: input.pauseBetweenWavesMs, allowDestructive: input.allowDestructive, rollbackOf: null,
  };
  const id = idempotencyKey === undefined ? newRolloutId() : rolloutIdOf(idempotencyKey);
  const { rollout, created } = unwrap(await fleetStub(env).rolloutCreate(id, idempotencyKey ?? null, spec, members));
  if (rollout.status === "running") await launch(env, { rolloutId: rollout.id, run: rollout.runs }, !created);
  return { rolloutId: rollout.id, duplicate: !created };
}

/** Resumes a halted, paused or cancelled rollout, with a new target when given. */
export async function resumeRollout(env: ClusterEnv, id: string, target: RolloutTarget | undefined): Promise<Rollout> {
  const summary = target ? checkTarget(target, "target") : undefined;
  const { run } = unwrap(await fleetStub(env).rolloutResume(id, target, summary));
  await launch(env, { rolloutId: id, run }, false);
  return unwrap(await fleetStub(env).rolloutGet(id));
}

/** Cancels a rollout: no tenant starts after this; those in flight finish. */
export async function cancelRollout(env: ClusterEnv, id: string): Promise<Rollout> {
  return unwrap(await fleetStub(env).rolloutTransition(id, ["running", "paused", "halted"], "cancelled"));
}

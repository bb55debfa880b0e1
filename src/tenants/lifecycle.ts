import { publishEvent } from "../events/publish.ts";
import type { ResolvedApp } from "../cluster/app.ts";
import { unwrap } from "../shards/delivery.ts";
import { TENANT_LIFECYCLE_EVENTS, TENANT_PLANS, TenantIdSchema, type CreateTenant, type Tenant, type TenantCreated } from "../spec/index.ts";
import { forgetTenant } from "./known-tenants.ts";
import { registryStub, tenantStub, type RegistryStub, type TenantStub } from "./tenant-client.ts";
import type { ClusterEnv } from "../env.ts";
import { clock } from "../clock.ts";

type Hook = keyof typeof TENANT_LIFECYCLE_EVENTS;

/** The namespace both the tenants and the registry live in. */
export type TenantNamespace = DurableObjectNamespace & { get(id: DurableObjectId): TenantStub & RegistryStub };

const newTenantId = (): string => `t-${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;

async function announce(env: ClusterEnv, cluster: ResolvedApp, hook: Hook, tenant: Tenant): Promise<void> {
  try {
    const payload = { tenantId: tenant.id, status: tenant.provisioningStatus, at: new Date(clock.now()).toISOString() };
    await publishEvent(cluster.router(env), cluster.events, { type: TENANT_LIFECYCLE_EVENTS[hook], payload, scope: "cluster" }, `${TENANT_LIFECYCLE_EVENTS[hook]}.${tenant.id}.${clock.now()}`);
  } catch (err) {
    console.error("tenant lifecycle event not published", err); // gate, then notify: the change stands
  }
}

const ns = (env: ClusterEnv) => env.TENANTS as unknown as TenantNamespace;

/**
 * Registers a tenant: reserves its id in the registry (409 when taken), provisions its object
 * (base schema, first key) and marks it active there and in the registry; `tenant.created` follows.
 * A failed provisioning leaves the registry entry `failed`.
 */
export async function createTenant(env: ClusterEnv, cluster: ResolvedApp, input: CreateTenant): Promise<TenantCreated> {
  const now = new Date(clock.now()).toISOString();
  const tenant: Tenant = {
    id: TenantIdSchema.parse(input.id ?? newTenantId()), name: input.name, plan: input.plan, quota: { ...TENANT_PLANS[input.plan], ...input.quota },
    region: input.region ?? null, databaseProvider: "durable-object", provisioningStatus: "provisioning", createdAt: now, updatedAt: now,
  };
  const registry = registryStub(ns(env));
  unwrap(await registry.registryReserve(tenant));
  try {
    const created = unwrap(await tenantStub(ns(env), tenant.id).provisionTenant(tenant));
    await registry.registryPut(created.tenant);
    await announce(env, cluster, "onTenantCreate", created.tenant);
    return created;
  } catch (err) {
    await registry.registryPut({ ...tenant, provisioningStatus: "failed" });
    throw err;
  }
}

/** Suspends (data routes answer 423) or resumes a tenant. */
export async function transitionTenant(env: ClusterEnv, cluster: ResolvedApp, id: string, to: "active" | "suspended"): Promise<Tenant> {
  const tenant = unwrap(await tenantStub(ns(env), id).transitionTenant(id, to));
  await registryStub(ns(env)).registryPut(tenant);
  await announce(env, cluster, to === "suspended" ? "onTenantSuspend" : "onTenantResume", tenant);
  return tenant;
}

/** Destroys a tenant: its object's storage is wiped, its registry entry removed; `tenant.deleted` follows. */
export async function destroyTenant(env: ClusterEnv, cluster: ResolvedApp, id: string): Promise<Tenant> {
  const registry = registryStub(ns(env));
  const tenant = unwrap(await tenantStub(ns(env), id).destroyTenant(id));
  await registry.registryRemove(id);
  forgetTenant(id);
  await announce(env, cluster, "onTenantDelete", tenant);
  return tenant;
}

export { ns as tenantNamespace };

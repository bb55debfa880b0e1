import { AppError } from "../spec/index.ts";
import { registryStub } from "./tenant-client.ts";
import type { ClusterEnv } from "../env.ts";
import { clock } from "../clock.ts";

/** How long this isolate trusts that a tenant exists, and how many such answers it keeps. */
export const KNOWN_TENANT_TTL_MS = 60_000;
const MAX_KNOWN = 10_000;

/** Tenant id → until when this isolate knows it exists (positive answers only). */
const known = new Map<string, number>();

/**
 * Whether a tenant exists, i.e. the `registry` object lists it (in any state). Asked before any
 * call that would reach `tenant/<id>` on behalf of an unauthenticated or unchecked name (a tenant
 * key, a webhook route, a tenant-scoped event): reaching a Durable Object that never existed
 * instantiates it, and a `TenantObject`'s constructor migrates its schema, so every forged name
 * would leave one more stored object behind. Only the registry (one object, written by admins)
 * says which names are real, so the tenant objects ever touched are bounded by its entries.
 *
 * Positive answers are cached per isolate for `KNOWN_TENANT_TTL_MS` (60 s), so a busy tenant costs
 * the registry one call a minute per isolate; negative ones never are (a tenant created a moment
 * ago is seen at once). A deleted tenant can stay "known" here for up to 60 s in other isolates:
 * harmless, its object still exists and itself refuses keys and routes of a destroyed tenant.
 */
export async function tenantExists(env: ClusterEnv, tenantId: string, now: number = clock.now()): Promise<boolean> {
  const until = known.get(tenantId);
  if (until !== undefined && until > now) return true;
  const exists = await registryStub(env.TENANTS).registryHas(tenantId);
  if (!exists) {
    known.delete(tenantId);
    return false;
  }
  if (known.size >= MAX_KNOWN) known.clear();
  known.set(tenantId, now + KNOWN_TENANT_TTL_MS);
  return true;
}

/** 404 `not_found` unless the tenant exists (see `tenantExists`); nothing is created either way. */
export async function requireTenant(env: ClusterEnv, tenantId: string): Promise<void> {
  if (!(await tenantExists(env, tenantId))) throw new AppError("not_found", `no tenant '${tenantId}'`);
}

/** Drops this isolate's cached answer (after a tenant is destroyed here). */
export function forgetTenant(tenantId: string): void {
  known.delete(tenantId);
}

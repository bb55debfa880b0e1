import { listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TenantObject } from "../../src/objects/index.ts";
import { TenantIdSchema } from "../../src/spec/index.ts";
import { KNOWN_TENANT_TTL_MS, tenantExists } from "../../src/tenants/known-tenants.ts";
import { REGISTRY_OBJECT } from "../../src/tenants/registry.ts";
import { tenantObjectName } from "../../src/webhooks/tenant-client.ts";
import { call, freshId, register, rows } from "./tenant-helpers.ts";

const SECRET = "A".repeat(43);
const forged = (tenantId: string): string => `dck_${tenantId}_${SECRET}`;
const ids = async (): Promise<string[]> => (await listDurableObjectIds(env.TENANTS)).map((id) => id.toString());
const objectOf = (tenantId: string): string => env.TENANTS.idFromName(tenantObjectName(tenantId)).toString();

describe("forged tenant keys", () => {
  it("answers 401 to a key for a tenant that was never created, creating no object", async () => {
    await register(); // the registry object exists, as it does in any cluster with tenants
    const before = await ids();
    const tenants = [freshId(), freshId(), freshId()];
    for (const tenant of tenants) {
      expect((await call("GET", `/v1/tenants/${tenant}`, undefined, forged(tenant))).status).toBe(401);
      expect((await call("POST", `/v1/tenants/${tenant}/webhooks`, { url: "https://hooks.example.com/in", events: ["*"] }, forged(tenant))).status).toBe(401);
      expect((await call("GET", "/v1/events/dead-letters", undefined, forged(tenant))).status).toBe(401);
    }
    const after = await ids();
    expect(after).toHaveLength(before.length);
    for (const tenant of tenants) expect(after).not.toContain(objectOf(tenant));
  });

  it("answers 401 to a forged secret for a real tenant, leaving its keys as they were", async () => {
    const { tenant, apiKey } = await register();
    expect((await call("GET", `/v1/tenants/${tenant.id}`, undefined, forged(tenant.id))).status).toBe(401);
    expect((await call("GET", `/v1/tenants/${tenant.id}`, undefined, apiKey)).status).toBe(200);
    expect(await rows(tenant.id, "SELECT COUNT(*) AS n FROM tenant_keys")).toEqual([{ n: 1 }]);
  });

  it("trusts a registry answer that a tenant exists for 60 s per isolate, and never a negative one", async () => {
    const { tenant } = await register();
    const t0 = Date.now();
    expect(await tenantExists(env, tenant.id, t0)).toBe(true);
    await runInDurableObject(env.TENANTS.get(env.TENANTS.idFromName(REGISTRY_OBJECT)), (registry: TenantObject) => registry.registryRemove(tenant.id));
    expect(await tenantExists(env, tenant.id, t0 + KNOWN_TENANT_TTL_MS - 1)).toBe(true);
    expect(await tenantExists(env, tenant.id, t0 + KNOWN_TENANT_TTL_MS)).toBe(false);
    const unknown = freshId();
    expect(await tenantExists(env, unknown, t0)).toBe(false);
    await runInDurableObject(env.TENANTS.get(env.TENANTS.idFromName(REGISTRY_OBJECT)), (registry: TenantObject) => registry.registryPut({ ...tenant, id: TenantIdSchema.parse(unknown) }));
    expect(await tenantExists(env, unknown, t0)).toBe(true);
  });
});

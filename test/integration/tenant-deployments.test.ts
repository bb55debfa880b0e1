import { listDurableObjectIds } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DeploymentPage } from "../../src/spec/index.ts";
import { tenantObjectName } from "../../src/webhooks/tenant-client.ts";
import { BASE } from "./helpers.ts";
import { bundle, call, deploy, freshId, jsonOf, register, rows, task } from "./tenant-helpers.ts";

const ids = async (): Promise<string[]> => (await listDurableObjectIds(env.TENANTS)).map((id) => id.toString());
const list = async (tenant: string, query = "", bearer?: string): Promise<DeploymentPage> => {
  const res = await call("GET", `/v1/tenants/${tenant}/deployments${query}`, undefined, bearer);
  expect(res.status, await res.clone().text()).toBe(200);
  return jsonOf<DeploymentPage>(res);
};

describe("GET /v1/tenants/{tenant}/deployments", () => {
  it("answers 401 without the admin token or a tenant key", async () => {
    const { tenant } = await register();
    const res = await exports.default.fetch(`${BASE}/v1/tenants/${tenant.id}/deployments`);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  it("answers 404 for an unknown tenant and creates no object", async () => {
    await register(); // the registry exists, as in any cluster with tenants
    const before = await ids();
    const unknown = freshId();
    const res = await call("GET", `/v1/tenants/${unknown}/deployments`);
    expect(res.status).toBe(404);
    expect(await jsonOf<{ code: string }>(res)).toMatchObject({ code: "not_found" });
    const after = await ids();
    expect(after).toHaveLength(before.length);
    expect(after).not.toContain(env.TENANTS.idFromName(tenantObjectName(unknown)).toString());
  });

  it("lists the tenant's deployments newest first, app installs and failures too, one page at a time", async () => {
    const { tenant, apiKey } = await register();
    expect((await list(tenant.id)).items).toEqual([]);
    await deploy(tenant.id, bundle([task]));
    await deploy(tenant.id, { manifest: { version: "2", objects: [task, { name: "note", label: "Note", fields: [{ name: "body", type: "text" }] }] } });
    expect((await call("POST", `/v1/tenants/${tenant.id}/apps`, { name: "crm", version: "1.0.0", objects: [{ name: "lead", label: "Lead", fields: [{ name: "email", type: "text" }] }] })).status).toBe(200);
    const failed = await deploy(tenant.id, { manifest: { version: "3", objects: [] } }); // dropping both objects: refused as destructive
    expect(failed.status).toBe("failed");
    const stored = await rows<{ id: string }>(tenant.id, "SELECT id FROM tenant_deployments ORDER BY seq DESC");
    expect(stored).toHaveLength(4);

    const first = await list(tenant.id, "?limit=3");
    expect(first.items.map((d) => d.id)).toEqual(stored.slice(0, 3).map((r) => r.id));
    expect(first.items.map((d) => [d.owner, d.version, d.status])).toEqual([["tenant", "3", "failed"], ["app:crm", "1.0.0", "ready"], ["tenant", "2", "ready"]]);
    expect(first.items[0]?.error?.code).toBe("destructive_change");
    expect(first.items[0]).not.toHaveProperty("plan");
    expect(first.nextCursor).not.toBeNull();
    const second = await list(tenant.id, `?limit=3&cursor=${encodeURIComponent(first.nextCursor ?? "")}`);
    expect(second.items.map((d) => d.id)).toEqual([stored[3]?.id]);
    expect(second.nextCursor).toBeNull();
    expect((await list(tenant.id, "", apiKey)).items).toHaveLength(4); // the tenant's own key may read it too
  });

  it("refuses a cursor that is not one, and a limit out of range, with 400", async () => {
    const { tenant } = await register();
    for (const query of ["?cursor=nope", "?limit=0", "?limit=201"]) {
      const res = await call("GET", `/v1/tenants/${tenant.id}/deployments${query}`);
      expect(res.status, query).toBe(400);
      expect(await jsonOf<{ code: string }>(res), query).toMatchObject({ code: "validation_failed" });
    }
  });
});

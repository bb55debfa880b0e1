import { describe, expect, it } from "vitest";
import { call, freshId, jsonOf, register, rows } from "./tenant-helpers.ts";

/** Every id in the registry, all pages (other files leave hundreds of tenants in it). */
async function registryIds(): Promise<string[]> {
  const listed: string[] = [];
  for (let cursor: string | null = ""; cursor !== null; ) {
    const page: { items: { id: string }[]; nextCursor: string | null } = await jsonOf(await call("GET", `/v1/tenants?limit=200${cursor ? `&cursor=${cursor}` : ""}`));
    listed.push(...page.items.map((t) => t.id));
    cursor = page.nextCursor;
  }
  return listed;
}

describe("tenant lifecycle", () => {
  it("registers a tenant that is active at once with its own database and a key shown once", async () => {
    const { tenant, apiKey } = await register({ region: "weur" });
    expect(tenant).toMatchObject({ provisioningStatus: "active", databaseProvider: "durable-object", plan: "free", region: "weur" });
    expect(apiKey).toMatch(new RegExp(`^dck_${tenant.id}_[A-Za-z0-9_-]{43}$`));
    const steps = await rows<{ step: string; status: string }>(tenant.id, "SELECT step, status FROM tenant_provisioning ORDER BY seq");
    expect(steps.map((s) => s.step)).toEqual(["create_database", "apply_base_schema", "create_api_key", "activate"]);
    const keys = await rows<{ hash: string }>(tenant.id, "SELECT hash FROM tenant_keys");
    expect(keys).toHaveLength(1);
    expect(keys[0]?.hash).not.toContain(apiKey.slice(-20));
    expect(await registryIds()).toContain(tenant.id);
  });

  it("refuses a taken id with 409 and bad input with 400 listing the paths", async () => {
    const id = freshId();
    expect((await call("POST", "/v1/tenants", { id, name: "A", plan: "free" })).status).toBe(201);
    expect((await call("POST", "/v1/tenants", { id, name: "B", plan: "free" })).status).toBe(409);
    const bad = await call("POST", "/v1/tenants", { id: "Bad Id", name: "", plan: "gold" });
    expect(bad.status).toBe(400);
    const paths = (await jsonOf<{ errors: { path: string }[] }>(bad)).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["id", "name", "plan"]));
  });

  it("suspends (data routes 423) and resumes", async () => {
    const { tenant, apiKey } = await register();
    expect((await jsonOf<{ provisioningStatus: string }>(await call("POST", `/v1/tenants/${tenant.id}/suspend`))).provisioningStatus).toBe("suspended");
    const res = await call("GET", `/v1/tenants/${tenant.id}/apps`, undefined, apiKey);
    expect(res.status).toBe(423);
    expect((await jsonOf<{ code: string }>(res)).code).toBe("tenant_suspended");
    expect((await call("POST", `/v1/tenants/${tenant.id}/resume`)).status).toBe(200);
    expect((await call("GET", `/v1/tenants/${tenant.id}/apps`, undefined, apiKey)).status).toBe(200);
  });

  it("destroys a tenant: storage wiped, registry entry gone, its key dead, the id free again, others untouched", async () => {
    const a = await register();
    const b = await register();
    const del = await call("DELETE", `/v1/tenants/${a.tenant.id}`);
    expect((await jsonOf<{ provisioningStatus: string }>(del)).provisioningStatus).toBe("destroying");
    expect(await rows(a.tenant.id, "SELECT * FROM tenant_meta")).toHaveLength(0);
    expect(await rows(a.tenant.id, "SELECT * FROM tenant_keys")).toHaveLength(0);
    expect((await call("GET", `/v1/tenants/${a.tenant.id}`)).status).toBe(404);
    expect((await call("GET", `/v1/tenants/${a.tenant.id}`, undefined, a.apiKey)).status).toBe(401);
    expect(await registryIds()).not.toContain(a.tenant.id);
    expect((await call("GET", `/v1/tenants/${b.tenant.id}`, undefined, b.apiKey)).status).toBe(200);
    expect((await call("POST", "/v1/tenants", { id: a.tenant.id, name: "again", plan: "pro" })).status).toBe(201);
  });

  it("creates, lists and revokes keys; read-only keys only read", async () => {
    const { tenant } = await register();
    const created = await jsonOf<{ key: { id: string; scope: string }; apiKey: string }>(await call("POST", `/v1/tenants/${tenant.id}/keys`, { scope: "read-only", name: "ci" }));
    expect(created.key.scope).toBe("read-only");
    expect((await call("GET", `/v1/tenants/${tenant.id}/usage`, undefined, created.apiKey)).status).toBe(200);
    expect((await call("POST", `/v1/tenants/${tenant.id}/deployments`, { manifest: { version: "1", objects: [] } }, created.apiKey)).status).toBe(403);
    const keys = await jsonOf<{ items: { id: string }[] }>(await call("GET", `/v1/tenants/${tenant.id}/keys`));
    expect(keys.items).toHaveLength(2);
    expect(JSON.stringify(keys)).not.toContain(created.apiKey);
    expect((await call("DELETE", `/v1/tenants/${tenant.id}/keys/${created.key.id}`)).status).toBe(204);
    expect((await call("GET", `/v1/tenants/${tenant.id}/usage`, undefined, created.apiKey)).status).toBe(401);
  });
});

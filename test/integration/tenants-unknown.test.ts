import { listDurableObjectIds } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tenantObjectName } from "../../src/webhooks/tenant-client.ts";
import { call, freshId, jsonOf, register } from "./tenant-helpers.ts";

const ids = async (): Promise<string[]> => (await listDurableObjectIds(env.TENANTS)).map((id) => id.toString());
const objectOf = (tenantId: string): string => env.TENANTS.idFromName(tenantObjectName(tenantId)).toString();

describe("admin routes for an unknown tenant", () => {
  it("answer 404 not_found without creating the tenant's object", async () => {
    await register(); // the registry object exists, as it does in any cluster with tenants
    const before = await ids();
    const tenant = freshId();
    const T = `/v1/tenants/${tenant}`;
    const routes: [string, string, unknown?][] = [
      ["GET", T], ["GET", `${T}/usage`], ["POST", `${T}/suspend`], ["POST", `${T}/resume`], ["DELETE", T],
      ["GET", `${T}/keys`], ["POST", `${T}/keys`, { scope: "read-only", name: "ci" }], ["DELETE", `${T}/keys/k1`],
      ["POST", `${T}/deployments`, { manifest: { version: "1", objects: [] } }], ["GET", `${T}/deployments/d1`], ["GET", `${T}/apps`],
      ["GET", `${T}/objects/task/records`], ["POST", `${T}/objects/task/records`, { title: "x" }], ["GET", `${T}/objects/task/records/r1`],
    ];
    for (const [method, path, body] of routes) {
      const res = await call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(await jsonOf<{ code?: string }>(res)).toMatchObject({ code: "not_found" });
    }
    const after = await ids();
    expect(after).toHaveLength(before.length);
    expect(after).not.toContain(objectOf(tenant));
  });

  it("still provisions a new tenant through POST /v1/tenants", async () => {
    const before = await ids();
    const { tenant } = await register();
    expect(await ids()).toContain(objectOf(tenant.id));
    expect((await ids()).length).toBeGreaterThan(before.length);
    expect((await call("GET", `/v1/tenants/${tenant.id}`)).status).toBe(200);
  });
});

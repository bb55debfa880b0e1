import { listDurableObjectIds } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tenantObjectName } from "../../src/webhooks/tenant-client.ts";
import { consume } from "./event-helpers.ts";
import { call, jsonOf, register } from "./tenant-helpers.ts";
import { createEndpoint, freshTenant, tenantEvent, tenantRows, testTenant } from "./webhook-helpers.ts";

const hooks = (tenant: string, rest = "") => `/v1/tenants/${tenant}/webhooks${rest}`;
const endpointBody = { url: "https://hooks.example.com/in", events: ["*"] };
const ids = async (): Promise<string[]> => (await listDurableObjectIds(env.TENANTS)).map((id) => id.toString());
const objectOf = (tenant: string): string => env.TENANTS.idFromName(tenantObjectName(tenant)).toString();

/** Every webhook route of an endpoint, as [method, path, body]. */
const routesOf = (tenant: string, id: string): [string, string, unknown][] => [
  ["POST", hooks(tenant), endpointBody], ["GET", hooks(tenant), undefined], ["GET", hooks(tenant, `/${id}`), undefined],
  ["PATCH", hooks(tenant, `/${id}`), { description: "x" }], ["POST", hooks(tenant, `/${id}/rotate-secret`), undefined],
  ["GET", hooks(tenant, `/${id}/deliveries`), undefined], ["POST", hooks(tenant, `/${id}/deliveries/dlv_0/replay`), undefined],
  ["DELETE", hooks(tenant, `/${id}`), undefined],
];

describe("webhooks follow the tenant's state", () => {
  it("answers 423 tenant_suspended on every webhook route of a suspended tenant, to its key and to the admin, until resumed", async () => {
    const { tenant, apiKey } = await register();
    const { id } = await createEndpoint(tenant.id);
    expect((await call("POST", `/v1/tenants/${tenant.id}/suspend`)).status).toBe(200);
    for (const [method, path, body] of routesOf(tenant.id, id)) {
      for (const bearer of [apiKey, undefined]) {
        const res = await call(method, path, body, bearer);
        expect([method, path, res.status]).toEqual([method, path, 423]);
        expect((await jsonOf<{ code: string }>(res)).code).toBe("tenant_suspended");
      }
    }
    expect(await tenantRows(tenant.id, "SELECT id, description FROM webhook_endpoints")).toEqual([{ id, description: null }]);
    expect((await call("POST", `/v1/tenants/${tenant.id}/resume`)).status).toBe(200);
    expect((await call("PATCH", hooks(tenant.id, `/${id}`), { description: "back" }, apiKey)).status).toBe(200);
  });

  it("answers 404 to an admin's webhook calls for an unknown tenant and creates no object", async () => {
    await register();
    const before = await ids();
    const tenant = freshTenant();
    for (const [method, path, body] of routesOf(tenant, "ep_000000000000000000000000")) {
      const res = await call(method, path, body);
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    const after = await ids();
    expect(after).toHaveLength(before.length);
    expect(after).not.toContain(objectOf(tenant));
  });

  it("answers 404 to a destroyed tenant's webhook routes", async () => {
    const { tenant } = await register();
    const { id } = await createEndpoint(tenant.id);
    expect((await call("DELETE", `/v1/tenants/${tenant.id}`)).status).toBe(200);
    expect((await call("GET", hooks(tenant.id, `/${id}`))).status).toBe(404);
    expect((await call("POST", hooks(tenant.id), endpointBody)).status).toBe(404);
  });

  it("keeps a suspended tenant's deliveries waiting, sending nothing, and sends them once it is resumed", async () => {
    const t = await testTenant();
    const { id } = await createEndpoint(t.tenant);
    expect((await call("POST", `/v1/tenants/${t.tenant}/suspend`)).status).toBe(200);
    await consume("events", [tenantEvent(t.tenant)]);
    expect(await tenantRows(t.tenant, "SELECT status, attempts FROM webhook_deliveries WHERE endpoint_id = ?", id)).toEqual([{ status: "pending", attempts: 0 }]);
    expect(await t.runAlarm()).toBe(true);
    expect(t.receiver.requests).toHaveLength(0);
    expect(await t.alarm()).toBeNull();
    expect(await tenantRows(t.tenant, "SELECT status, attempts FROM webhook_deliveries")).toEqual([{ status: "pending", attempts: 0 }]);
    expect((await call("POST", `/v1/tenants/${t.tenant}/resume`)).status).toBe(200);
    expect(await t.alarm()).not.toBeNull();
    await t.runAlarm();
    expect(t.receiver.requests).toHaveLength(1);
    expect(await tenantRows(t.tenant, "SELECT status, attempts FROM webhook_deliveries")).toEqual([{ status: "succeeded", attempts: 1 }]);
  });

  it("drops a tenant-scoped event for an unknown tenant without creating its object", async () => {
    await register();
    const before = await ids();
    const tenant = freshTenant();
    expect((await consume("events", [tenantEvent(tenant)])).retried).toBe(0);
    const after = await ids();
    expect(after).toHaveLength(before.length);
    expect(after).not.toContain(objectOf(tenant));
  });
});

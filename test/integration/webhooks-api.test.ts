import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "./event-helpers.ts";
import { BASE } from "./helpers.ts";
import { activeTenant, createEndpoint, freshTenant, tenantRows } from "./webhook-helpers.ts";

const hooks = (tenant: string, rest = "") => `/v1/tenants/${tenant}/webhooks${rest}`;

describe("webhook endpoints over HTTP", () => {
  it("registers an endpoint and shows its whsec_ secret only in the creation answer", async () => {
    const tenant = await activeTenant();
    const res = await api(hooks(tenant), { method: "POST", body: { url: "https://hooks.example.com/in", events: ["demo.ping"], description: "orders", rateLimitPerSecond: 5 } });
    expect(res.status).toBe(201);
    const created = await res.json<{ id: string; secret: string; events: string[]; disabled: boolean }>();
    expect(created.id).toMatch(/^ep_[0-9a-f]{24}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({ events: ["demo.ping"], disabled: false, description: "orders", rateLimitPerSecond: 5 });
    const one = await (await api(hooks(tenant, `/${created.id}`))).json<Record<string, unknown>>();
    const list = await (await api(hooks(tenant))).json<{ items: Record<string, unknown>[] }>();
    expect(one).not.toHaveProperty("secret");
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).not.toHaveProperty("secret");
    expect(JSON.stringify([one, list])).not.toContain(created.secret);
    expect(await tenantRows(tenant, "SELECT id FROM webhook_endpoints")).toEqual([{ id: created.id }]);
  });

  it("changes url, events, description, rate limit and disabled with PATCH", async () => {
    const tenant = await activeTenant();
    const { id } = await createEndpoint(tenant, { description: "a" });
    const res = await api(hooks(tenant, `/${id}`), { method: "PATCH", body: { url: "https://other.example.com/x", events: ["counter.incremented"], description: null, rateLimitPerSecond: 2, disabled: true } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ url: "https://other.example.com/x", events: ["counter.incremented"], description: null, rateLimitPerSecond: 2, disabled: true, disabledReason: "manual" });
    const enabled = await (await api(hooks(tenant, `/${id}`), { method: "PATCH", body: { disabled: false } })).json();
    expect(enabled).toMatchObject({ disabled: false, disabledReason: null, url: "https://other.example.com/x" });
  });

  it("deletes an endpoint; it is then 404", async () => {
    const tenant = await activeTenant();
    const { id } = await createEndpoint(tenant);
    expect((await api(hooks(tenant, `/${id}`), { method: "DELETE" })).status).toBe(204);
    expect((await api(hooks(tenant, `/${id}`))).status).toBe(404);
    expect((await api(hooks(tenant, `/${id}`), { method: "DELETE" })).status).toBe(404);
    expect(await tenantRows(tenant, "SELECT id FROM webhook_endpoints")).toEqual([]);
  });

  it("rotates the secret: a new secret, shown once, and a 24 h window for the old one", async () => {
    const tenant = await activeTenant();
    const { id, secret } = await createEndpoint(tenant);
    const res = await api(hooks(tenant, `/${id}/rotate-secret`), { method: "POST" });
    expect(res.status).toBe(200);
    const rotated = await res.json<{ secret: string; secretRotationEndsAt: string }>();
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);
    const window = Date.parse(rotated.secretRotationEndsAt) - Date.now();
    expect(window).toBeGreaterThan(23.9 * 3_600_000);
    expect(window).toBeLessThanOrEqual(24 * 3_600_000);
    const [row] = await tenantRows<{ secret: string; previous_secret: string }>(tenant, "SELECT secret, previous_secret FROM webhook_endpoints");
    expect(row).toEqual({ secret: rotated.secret, previous_secret: secret });
  });

  it.each(["http://127.0.0.1/hook", "http://169.254.169.254/latest/meta-data", "https://10.0.0.1/", "https://[::1]/", "http://hooks.example.com/in"])(
    "refuses %s with a 400 problem on the path url, storing nothing (WEBHOOKS_ALLOW_PRIVATE off)",
    async (url) => {
      const tenant = await activeTenant();
      const res = await api(hooks(tenant), { method: "POST", body: { url, events: ["*"] } });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(await res.json()).toMatchObject({ code: "validation_failed", errors: [{ path: "url" }] });
      expect(await tenantRows(tenant, "SELECT id FROM webhook_endpoints")).toEqual([]);
    },
  );

  it("refuses a private URL in a PATCH too", async () => {
    const tenant = await activeTenant();
    const { id } = await createEndpoint(tenant);
    const res = await api(hooks(tenant, `/${id}`), { method: "PATCH", body: { url: "https://192.168.1.1/" } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ path: "url" }] });
  });

  it("answers 400 with paths for bad input and 404 for unknown endpoints", async () => {
    const tenant = await activeTenant();
    const bad = await api(hooks(tenant), { method: "POST", body: { url: "https://hooks.example.com/", events: [], extra: 1 } });
    expect(bad.status).toBe(400);
    expect((await bad.json<{ errors: { path: string }[] }>()).errors.map((e) => e.path)).toEqual(expect.arrayContaining(["events"]));
    expect((await api(hooks("Not_A_Tenant"))).status).toBe(400);
    expect((await api(hooks(tenant, "/ep_000000000000000000000000"))).status).toBe(404);
    expect((await api(hooks(tenant, "/ep_000000000000000000000000/deliveries"))).status).toBe(404);
  });

  it("needs the admin token", async () => {
    const res = await exports.default.fetch(`${BASE}${hooks(freshTenant())}`);
    expect(res.status).toBe(401);
  });
});

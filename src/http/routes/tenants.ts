import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { unwrap } from "../../shards/delivery.ts";
import { CreateTenantKeySchema, CreateTenantSchema, TenantApiKeySchema, TenantCreatedSchema, TenantKeySecretSchema, TenantPageSchema, TenantSchema, TenantUsageSchema, validationError } from "../../spec/index.ts";
import type { ResolvedApp } from "../../cluster/app.ts";
import { createTenant, destroyTenant, tenantNamespace, transitionTenant } from "../../tenants/lifecycle.ts";
import { registryStub } from "../../tenants/tenant-client.ts";
import { behindTenants } from "../../fleet/rollouts.ts";
import type { AppEnv } from "../env.ts";
import { adminOnly, body, errors, json, param, problem, readBody, TenantParam, tenantOf, tenantRoute } from "./tenant-kit.ts";

const P = "/v1/tenants/{tenant}";
const KeyParam = TenantParam.extend({ keyId: z.string().describe("Key id") });
const ListQuery = z.object({
  cursor: z.string().optional().describe("nextCursor of the previous page"),
  limit: z.coerce.number().int().min(1).max(200).optional().default(50).describe("Page size (default 50, at most 200)"),
  behind: z.enum(["true", "false"]).optional().describe("true: only tenants behind the fleet's target (a rollout that includes them has not brought them to its target)"),
});

const routes = {
  create: createRoute({ ...adminOnly, method: "post", path: "/v1/tenants", summary: "Register a tenant: its own database at once; the answer carries a full-access key, shown only once", request: body(CreateTenantSchema), responses: { 201: json("Active", TenantCreatedSchema), 409: problem("The id is taken"), ...errors } }),
  list: createRoute({ ...adminOnly, method: "get", path: "/v1/tenants", summary: "The registry, by id", request: { query: ListQuery }, responses: { 200: json("A page", TenantPageSchema), ...errors } }),
  get: createRoute({ ...tenantRoute("tenants"), method: "get", path: P, summary: "A tenant", request: { params: TenantParam }, responses: { 200: json("The tenant", TenantSchema), ...errors } }),
  remove: createRoute({ ...adminOnly, method: "delete", path: P, summary: "Destroy a tenant: its database is wiped, its registry entry removed", request: { params: TenantParam }, responses: { 200: json("Destroyed (status destroying)", TenantSchema), ...errors } }),
  suspend: createRoute({ ...adminOnly, method: "post", path: `${P}/suspend`, summary: "Suspend: data routes answer 423", request: { params: TenantParam }, responses: { 200: json("Suspended", TenantSchema), 409: problem("Not active"), ...errors } }),
  resume: createRoute({ ...adminOnly, method: "post", path: `${P}/resume`, summary: "Resume a suspended tenant", request: { params: TenantParam }, responses: { 200: json("Active", TenantSchema), 409: problem("Not suspended"), ...errors } }),
  usage: createRoute({ ...tenantRoute("tenants"), method: "get", path: `${P}/usage`, summary: "Usage against the quota", request: { params: TenantParam }, responses: { 200: json("Usage", TenantUsageSchema), ...errors } }),
  createKey: createRoute({ ...adminOnly, method: "post", path: `${P}/keys`, summary: "A new API key dck_<tenantId>_<secret>, shown only once", request: { params: TenantParam, ...body(CreateTenantKeySchema) }, responses: { 201: json("Created", TenantKeySecretSchema), 409: problem("50 keys already"), ...errors } }),
  listKeys: createRoute({ ...adminOnly, method: "get", path: `${P}/keys`, summary: "The tenant's keys (never the secrets)", request: { params: TenantParam }, responses: { 200: json("Keys", z.object({ items: z.array(TenantApiKeySchema) })), ...errors } }),
  deleteKey: createRoute({ ...adminOnly, method: "delete", path: `${P}/keys/{keyId}`, summary: "Revoke a key", request: { params: KeyParam }, responses: { 204: { description: "Revoked" }, ...errors } }),
};

/** Tenant lifecycle, registry, keys and usage. */
export function registerTenantRoutes(app: OpenAPIHono<AppEnv>, cluster: ResolvedApp): void {
  app.openapi(routes.create, async (c) => c.json(await createTenant(c.env, cluster, (await readBody(c, CreateTenantSchema)).data), 201));
  app.openapi(routes.list, async (c) => {
    const query = ListQuery.safeParse(c.req.query());
    if (!query.success) throw validationError(query.error, "query");
    if (query.data.behind === "true") return c.json(await behindTenants(c.env, query.data.cursor, query.data.limit), 200);
    return c.json(await registryStub(tenantNamespace(c.env)).registryList(query.data.cursor, query.data.limit), 200);
  });
  app.openapi(routes.get, async (c) => {
    const t = await tenantOf(c);
    return c.json(unwrap(await t.stub.getTenant(t.id)), 200);
  });
  app.openapi(routes.remove, async (c) => c.json(await destroyTenant(c.env, cluster, (await tenantOf(c)).id), 200));
  app.openapi(routes.suspend, async (c) => c.json(await transitionTenant(c.env, cluster, (await tenantOf(c)).id, "suspended"), 200));
  app.openapi(routes.resume, async (c) => c.json(await transitionTenant(c.env, cluster, (await tenantOf(c)).id, "active"), 200));
  app.openapi(routes.usage, async (c) => {
    const t = await tenantOf(c);
    return c.json(unwrap(await t.stub.tenantUsage(t.id)), 200);
  });
  app.openapi(routes.createKey, async (c) => {
    const t = await tenantOf(c);
    const input = (await readBody(c, CreateTenantKeySchema)).data;
    return c.json(unwrap(await t.stub.createTenantKey(t.id, input)), 201);
  });
  app.openapi(routes.listKeys, async (c) => {
    const t = await tenantOf(c);
    return c.json({ items: unwrap(await t.stub.listTenantKeys(t.id)) }, 200);
  });
  app.openapi(routes.deleteKey, async (c) => {
    const t = await tenantOf(c);
    unwrap(await t.stub.deleteTenantKey(t.id, param(c, "keyId")));
    return c.body(null, 204);
  });
}

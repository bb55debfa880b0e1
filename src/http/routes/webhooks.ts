import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import { unwrap, type Delivery } from "../../shards/delivery.ts";
import {
  CreateWebhookSchema, ProblemSchema, TenantIdSchema, UpdateWebhookSchema, validationError, WebhookDeliveryPageSchema, WebhookDeliveryQuerySchema, WebhookDeliverySchema,
  WebhookEndpointSchema, WebhookSecretSchema, type TenantId,
} from "../../spec/index.ts";
import { requireTenant } from "../../tenants/known-tenants.ts";
import { tenantWebhooks, type TenantWebhooksStub } from "../../webhooks/tenant-client.ts";
import type { AppEnv } from "../env.ts";
import { readInput } from "./entity-input.ts";

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });
const json = <S extends z.ZodType>(description: string, schema: S) => ({ description, content: { "application/json": { schema } } });
const base = { tags: ["webhooks"], security: [{ adminBearer: [] }] };
const errors = { 400: problem("Invalid input (paths listed), or a URL the SSRF guard refuses (path url)"), 401: problem("Missing or invalid admin token"), 404: problem("No such tenant, endpoint or delivery"), 423: problem("Tenant suspended") };
const Tenant = z.object({ tenant: TenantIdSchema });
const Endpoint = Tenant.extend({ id: z.string().describe("Endpoint id") });
const DeliveryParams = Endpoint.extend({ deliveryId: z.string().describe("Delivery id") });
const P = "/v1/tenants/{tenant}/webhooks";

const routes = {
  create: createRoute({ ...base, method: "post", path: P, summary: "Register an endpoint; the answer carries its secret, shown only this once", request: { params: Tenant, body: { content: { "application/json": { schema: CreateWebhookSchema } } } }, responses: { 201: json("Created", WebhookSecretSchema), ...errors } }),
  list: createRoute({ ...base, method: "get", path: P, summary: "The tenant's endpoints (no secrets)", request: { params: Tenant }, responses: { 200: json("Endpoints", z.object({ items: z.array(WebhookEndpointSchema) })), ...errors } }),
  get: createRoute({ ...base, method: "get", path: `${P}/{id}`, summary: "One endpoint (no secret)", request: { params: Endpoint }, responses: { 200: json("The endpoint", WebhookEndpointSchema), ...errors } }),
  update: createRoute({ ...base, method: "patch", path: `${P}/{id}`, summary: "Change url, events, description, rateLimitPerSecond or disabled", request: { params: Endpoint, body: { content: { "application/json": { schema: UpdateWebhookSchema } } } }, responses: { 200: json("The endpoint", WebhookEndpointSchema), ...errors } }),
  remove: createRoute({ ...base, method: "delete", path: `${P}/{id}`, summary: "Delete an endpoint with its deliveries", request: { params: Endpoint }, responses: { 204: { description: "Deleted" }, ...errors } }),
  rotate: createRoute({ ...base, method: "post", path: `${P}/{id}/rotate-secret`, summary: "A new secret; the previous one signs too for 24 h", request: { params: Endpoint }, responses: { 200: json("The endpoint with its new secret", WebhookSecretSchema), ...errors } }),
  deliveries: createRoute({ ...base, method: "get", path: `${P}/{id}/deliveries`, summary: "Deliveries with every attempt, newest first", request: { params: Endpoint, query: WebhookDeliveryQuerySchema }, responses: { 200: json("A page", WebhookDeliveryPageSchema), ...errors } }),
  replay: createRoute({ ...base, method: "post", path: `${P}/{id}/deliveries/{deliveryId}/replay`, summary: "Send a delivery again now, with the same webhook-id", request: { params: DeliveryParams }, responses: { 202: json("Pending again", WebhookDeliverySchema), ...errors } }),
};

function tenantOf(c: Context<AppEnv>): TenantId {
  const parsed = TenantIdSchema.safeParse(c.req.param("tenant"));
  if (!parsed.success) throw validationError(parsed.error, "path", ["tenant"]);
  return parsed.data;
}

/**
 * Calls the tenant's object once the registry lists the tenant (404 otherwise, and no object is
 * created: `requireTenant`); the object itself answers 404 for a destroyed tenant, 423 while suspended.
 */
async function call<T>(c: Context<AppEnv>, rpc: (stub: TenantWebhooksStub) => Promise<Delivery<T>>): Promise<T> {
  const tenant = tenantOf(c);
  await requireTenant(c.env, tenant);
  return unwrap(await rpc(tenantWebhooks(c.env.TENANTS, tenant)));
}
const param = (c: Context<AppEnv>, name: string): string => c.req.param(name) ?? "";

async function body<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse(await readInput(c));
  if (!parsed.success) throw validationError(parsed.error, "body");
  return parsed.data;
}

/** Outbound webhooks of a tenant (JOBS-02): endpoints, secrets, deliveries and replay. Admin bearer or the tenant's key; the tenant must exist and be active. */
export function registerWebhookRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.create, async (c) => {
    const input = await body(c, CreateWebhookSchema);
    return c.json(await call(c, (s) => s.createWebhook(input)), 201);
  });
  app.openapi(routes.list, async (c) => c.json({ items: await call(c, (s) => s.listWebhooks()) }, 200));
  app.openapi(routes.get, async (c) => c.json(await call(c, (s) => s.getWebhook(param(c, "id"))), 200));
  app.openapi(routes.update, async (c) => {
    const patch = await body(c, UpdateWebhookSchema);
    return c.json(await call(c, (s) => s.updateWebhook(param(c, "id"), patch)), 200);
  });
  app.openapi(routes.remove, async (c) => (await call(c, (s) => s.deleteWebhook(param(c, "id"))), c.body(null, 204)));
  app.openapi(routes.rotate, async (c) => c.json(await call(c, (s) => s.rotateWebhookSecret(param(c, "id"))), 200));
  app.openapi(routes.deliveries, async (c) => {
    const query = WebhookDeliveryQuerySchema.safeParse(c.req.query());
    if (!query.success) throw validationError(query.error, "query");
    return c.json(await call(c, (s) => s.listWebhookDeliveries(param(c, "id"), query.data)), 200);
  });
  app.openapi(routes.replay, async (c) => c.json(await call(c, (s) => s.replayWebhookDelivery(param(c, "id"), param(c, "deliveryId"))), 202));
}

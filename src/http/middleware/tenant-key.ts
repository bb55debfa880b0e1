import type { Context, Next } from "hono";
import { AppError, TenantIdSchema, type TenantRuntimeContext } from "../../spec/index.ts";
import { tenantOfKey } from "../../tenants/keys.ts";
import { tenantExists } from "../../tenants/known-tenants.ts";
import { tenantNamespace } from "../../tenants/lifecycle.ts";
import { tenantStub } from "../../tenants/tenant-client.ts";
import type { AppEnv } from "../env.ts";

/** Whether a bearer token is shaped like a tenant API key (`dck_<tenantId>_<secret>`). */
export const isTenantKey = (token: string): boolean => tenantOfKey(token) !== undefined;

const TENANT_PATH = /^\/v1\/tenants\/([^/]+)(\/.*)?$/;
/** Routes only admins may call even on the key's own tenant: its lifecycle and its keys. */
const ADMIN_ONLY = /^\/(suspend|resume|keys(\/.*)?)$/;

const unauthorized = () => new AppError("unauthorized", "invalid bearer token", { headers: { "WWW-Authenticate": 'Bearer realm="durable-cluster"' } });

/**
 * Authenticates a tenant API key. The key's tenant is authoritative: it may reach only
 * `/v1/tenants/<its tenant>/…` (another tenant's path answers 404, never revealing whether that
 * tenant exists; any other route 403), never the lifecycle or key routes, and a `read-only` key
 * only GET. Handlers then see the `TenantRuntimeContext` in `c.var.tenant`. A key naming a tenant
 * the registry does not list answers 401 before any tenant object is reached (`tenantExists`):
 * anyone can shape a key, and reaching `tenant/<any id>` would create a stored object per request.
 */
export async function tenantKeyAuth(c: Context<AppEnv>, next: Next, apiKey: string): Promise<Response | void> {
  const tenantId = tenantOfKey(apiKey) ?? "";
  if (!(await tenantExists(c.env, tenantId))) throw unauthorized();
  const verified = await tenantStub(tenantNamespace(c.env), tenantId).verifyTenantKey(apiKey);
  if (!verified) throw unauthorized();
  const path = TENANT_PATH.exec(c.req.path);
  if (!path) throw new AppError("forbidden", "a tenant key reaches only its own tenant's routes");
  if (path[1] !== tenantId) throw new AppError("not_found", `no tenant '${path[1] ?? ""}'`);
  const rest = path[2] ?? "";
  if ((rest === "" && c.req.method === "DELETE") || ADMIN_ONLY.test(rest)) throw new AppError("forbidden", "this route needs the admin token");
  if (verified.scope === "read-only" && c.req.method !== "GET" && c.req.method !== "HEAD") throw new AppError("forbidden", "a read-only key may only read");
  const context: TenantRuntimeContext = { tenantId: TenantIdSchema.parse(tenantId), tenantPlan: verified.tenant.plan, tenantRegion: verified.tenant.region, via: "tenant-key", scope: verified.scope };
  c.set("tenant", context);
  return next();
}

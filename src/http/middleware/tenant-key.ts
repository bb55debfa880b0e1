import type { Context, Next } from "hono";
import { AppError, TenantIdSchema, type Tenant, type TenantKeyScope, type TenantRuntimeContext } from "../../spec/index.ts";
import { keyRefused, readOnlyRefused, tenantOfKey } from "../../tenants/keys.ts";
import { tenantExists } from "../../tenants/known-tenants.ts";
import { tenantNamespace } from "../../tenants/lifecycle.ts";
import { tenantStub } from "../../tenants/tenant-client.ts";
import type { AppEnv } from "../env.ts";

/** Whether a bearer token is shaped like a tenant API key (`dck_<tenantId>_<secret>`). */
export const isTenantKey = (token: string): boolean => tenantOfKey(token) !== undefined;

const TENANT_PATH = /^\/v1\/tenants\/([^/]+)(\/.*)?$/;
/** Routes only admins may call even on the key's own tenant: its lifecycle and its keys. */
const ADMIN_ONLY = /^\/(suspend|resume|keys(\/.*)?)$/;
/** The records routes (and their methods), whose key the tenant object checks in the record's own call. */
const RECORDS = /^\/objects\/[^/]+\/records(\/[^/]+)?$/;
const RECORD_METHODS: ReadonlySet<string> = new Set(["GET", "POST", "PATCH", "DELETE"]);

/**
 * Authenticates a tenant API key. The key's tenant is authoritative: it may reach only
 * `/v1/tenants/<its tenant>/…` (another tenant's path answers 404, never revealing whether that
 * tenant exists; any other route 403), never the lifecycle or key routes, and a `read-only` key
 * only GET. Handlers then see the `TenantRuntimeContext` in `c.var.tenant`. A key naming a tenant
 * the registry does not list answers 401 before any tenant object is reached (`tenantExists`):
 * anyone can shape a key, and reaching `tenant/<any id>` would create a stored object per request.
 *
 * On its own tenant's records routes the key is not checked here but by the tenant object, in the
 * record's own call (`c.var.uncheckedKey`, `TenantHost.withKey`): one call per request instead of
 * two. The answers are the same: 401 for a key that does not verify, 403 for a read-only key that
 * writes, before anything is read or written.
 */
export async function tenantKeyAuth(c: Context<AppEnv>, next: Next, apiKey: string): Promise<Response | void> {
  const tenantId = tenantOfKey(apiKey) ?? "";
  if (!(await tenantExists(c.env, tenantId))) throw keyRefused();
  const path = TENANT_PATH.exec(c.req.path);
  if (path?.[1] === tenantId && RECORDS.test(path[2] ?? "") && RECORD_METHODS.has(c.req.method)) {
    c.set("uncheckedKey", apiKey);
    return next();
  }
  const verified = await verifyKey(c, tenantId, apiKey);
  if (!path) throw new AppError("forbidden", "a tenant key reaches only its own tenant's routes");
  if (path[1] !== tenantId) throw new AppError("not_found", `no tenant '${path[1] ?? ""}'`);
  const rest = path[2] ?? "";
  if ((rest === "" && c.req.method === "DELETE") || ADMIN_ONLY.test(rest)) throw new AppError("forbidden", "this route needs the admin token");
  if (readOnlyWrites(c, verified.scope)) throw readOnlyRefused();
  const context: TenantRuntimeContext = { tenantId: TenantIdSchema.parse(tenantId), tenantPlan: verified.tenant.plan, tenantRegion: verified.tenant.region, via: "tenant-key", scope: verified.scope };
  c.set("tenant", context);
  return next();
}

/**
 * The error a request answers with: on a records route whose key is not checked yet
 * (`c.var.uncheckedKey`), a failure before the tenant object's call (a body too large, too deep or
 * invalid, a bad query) is answered as the separate check would have: 401 for a key that does not
 * verify, 403 for a read-only key that writes, before any word about the input.
 */
export async function keyRefusalOr(c: Context<AppEnv>, err: unknown): Promise<unknown> {
  const apiKey = c.get("uncheckedKey");
  if (apiKey === undefined || (err instanceof AppError && (err.code === "unauthorized" || err.code === "forbidden"))) return err;
  try {
    const verified = await verifyKey(c, tenantOfKey(apiKey) ?? "", apiKey);
    return readOnlyWrites(c, verified.scope) ? readOnlyRefused() : err;
  } catch (refusal) {
    return refusal;
  }
}

/** A read-only key on a request that writes (anything but GET and HEAD). */
const readOnlyWrites = (c: Context<AppEnv>, scope: TenantKeyScope): boolean => scope === "read-only" && c.req.method !== "GET" && c.req.method !== "HEAD";

/** The key's scope and tenant from its tenant object; 401 unless it verifies. */
async function verifyKey(c: Context<AppEnv>, tenantId: string, apiKey: string): Promise<{ scope: TenantKeyScope; tenant: Tenant }> {
  const verified = await tenantStub(tenantNamespace(c.env), tenantId).verifyTenantKey(apiKey);
  if (!verified) throw keyRefused();
  return verified;
}

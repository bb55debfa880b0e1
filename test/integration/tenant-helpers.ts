import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import type { DeployBundleInput, ObjectMetadataInput, TenantCreated } from "../../src/spec/index.ts";
import { tenantObjectName } from "../../src/webhooks/tenant-client.ts";
import { admin, BASE } from "./helpers.ts";

let n = 0;
export const freshId = (): string => `tn${Date.now().toString(36)}${++n}`;

/** Calls the Worker with a bearer (admin by default) and a JSON body. */
export async function call(method: string, path: string, body?: unknown, bearer?: string): Promise<Response> {
  const headers: Record<string, string> = bearer ? { Authorization: `Bearer ${bearer}` } : admin();
  if (body !== undefined) headers["content-type"] = "application/json";
  return exports.default.fetch(BASE + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

export async function jsonOf<T>(res: Response): Promise<T> {
  return (await res.json());
}

export async function register(extra: Record<string, unknown> = {}): Promise<TenantCreated> {
  const res = await call("POST", "/v1/tenants", { id: freshId(), name: "Acme", plan: "free", ...extra });
  if (res.status !== 201) throw new Error(`register answered ${res.status}: ${await res.text()}`);
  return jsonOf<TenantCreated>(res);
}

export const bundle = (objects: ObjectMetadataInput[], extra: Partial<DeployBundleInput> = {}): DeployBundleInput => ({ manifest: { version: "1", objects }, ...extra });

/** Deploys and returns the deployment as GET shows it. */
export async function deploy(tenant: string, b: DeployBundleInput, bearer?: string): Promise<{ status: string; error: { code: string; statement: string | null; sqliteError: string | null } | null; plan: { statements: { sql: string; destructive: boolean }[] } | null; diff: { empty: boolean } | null }> {
  const res = await call("POST", `/v1/tenants/${tenant}/deployments`, b, bearer);
  if (res.status !== 202) throw new Error(`deploy answered ${res.status}: ${await res.text()}`);
  const { deploymentId } = await jsonOf<{ deploymentId: string }>(res);
  return jsonOf(await call("GET", `/v1/tenants/${tenant}/deployments/${deploymentId}`, undefined, bearer));
}

export function rows<T extends Record<string, SqlStorageValue>>(tenant: string, query: string, ...params: SqlStorageValue[]): Promise<T[]> {
  const stub = env.TENANTS.get(env.TENANTS.idFromName(tenantObjectName(tenant)));
  return runInDurableObject(stub, (_i, state) => state.storage.sql.exec<T>(query, ...params).toArray());
}

/** The tenant's schema: every table and index, as sqlite_master has it. */
export const schemaOf = (tenant: string) => rows<{ type: string; name: string; sql: string | null }>(tenant, "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'o\\_%' ESCAPE '\\' OR name LIKE 'ix\\_%' ESCAPE '\\' OR name LIKE 'ux\\_%' ESCAPE '\\' ORDER BY name");

export const task: ObjectMetadataInput = { name: "task", label: "Task", fields: [{ name: "title", type: "text", required: true, maxLength: 200 }, { name: "done", type: "boolean", default: false }, { name: "points", type: "integer", indexed: true }] };

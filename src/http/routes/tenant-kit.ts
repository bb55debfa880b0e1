import type { Context } from "hono";
import { z } from "zod";
import { ProblemSchema, TenantIdSchema, validationError, type TenantId } from "../../spec/index.ts";
import { tenantOfKey } from "../../tenants/keys.ts";
import { requireTenant } from "../../tenants/known-tenants.ts";
import { tenantNamespace } from "../../tenants/lifecycle.ts";
import { tenantStub, type TenantStub } from "../../tenants/tenant-client.ts";
import type { AppEnv } from "../env.ts";
import { readInput } from "./entity-input.ts";

/** Shared pieces of the tenant routes: OpenAPI fragments, the tenant of a request, bodies. */
export const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ProblemSchema } } });
export const json = <S extends z.ZodType>(description: string, schema: S) => ({ description, content: { "application/json": { schema } } });
export const body = <S extends z.ZodType>(schema: S) => ({ body: { content: { "application/json": { schema } } } });

/** Admin-only routes, and routes a tenant key of the same tenant may call too. */
export const adminOnly = { tags: ["tenants"], security: [{ adminBearer: [] }] as Record<string, string[]>[] };
export const tenantRoute = (tag: string) => ({ tags: [tag], security: [{ adminBearer: [] }, { tenantKey: [] }] as Record<string, string[]>[] });

export const errors = {
  400: problem("Invalid input (paths listed)"),
  401: problem("Missing or invalid admin token or tenant key"),
  403: problem("Forbidden for this key, or quota_exceeded with the QuotaEnforcementResult"),
  404: problem("No such tenant (also: another tenant's path with a tenant key), object, record or deployment"),
  423: problem("Tenant suspended (data routes)"),
};

export const TenantParam = z.object({ tenant: TenantIdSchema });

/** The tenant of the request: the key's (already matched against the path), else the path's (admin). */
export function tenantIdOf(c: Context<AppEnv>): TenantId {
  const fromKey = c.get("tenant")?.tenantId;
  if (fromKey) return fromKey;
  const parsed = TenantIdSchema.safeParse(c.req.param("tenant"));
  if (!parsed.success) throw validationError(parsed.error, "path", ["tenant"]);
  return parsed.data;
}

/**
 * The tenant of the request and its object's stub. An admin path naming a tenant the registry does
 * not list answers 404 before the object is reached (`requireTenant`), since reaching it would
 * create it; a tenant key's tenant was already checked by `tenantKeyAuth`.
 */
export async function tenantOf(c: Context<AppEnv>): Promise<{ id: TenantId; stub: TenantStub }> {
  // Only the records routes take a key the tenant object checks itself (`recordsTenant`): fail closed.
  if (c.get("uncheckedKey") !== undefined) throw new Error("a tenant route reached with a tenant key nobody checked");
  const id = tenantIdOf(c);
  if (!c.get("tenant")?.tenantId) await requireTenant(c.env, id);
  return { id, stub: tenantStub(tenantNamespace(c.env), id) };
}

/** A records route's tenant, its stub, and the caller's tenant key for the tenant object to check in the record's call. */
export async function recordsTenant(c: Context<AppEnv>): Promise<{ id: TenantId; stub: TenantStub; key?: string }> {
  const key = c.get("uncheckedKey");
  if (key === undefined) return tenantOf(c);
  const id = TenantIdSchema.parse(tenantOfKey(key));
  return { id, stub: tenantStub(tenantNamespace(c.env), id), key };
}

export const param = (c: Context<AppEnv>, name: string): string => c.req.param(name) ?? "";

/** The parsed body and the raw one (the checksum covers the metadata as posted). */
export async function readBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<{ data: z.output<S>; raw: unknown }> {
  const raw = await readInput(c);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error, "body");
  return { data: parsed.data, raw };
}

import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { tenantObjectName } from "../../src/webhooks/tenant-client.ts";
import { BASE } from "./helpers.ts";
import { bundle, call, deploy, jsonOf, register, rows, task } from "./tenant-helpers.ts";

/**
 * On the records routes a tenant key is checked by the tenant object in the record's own call,
 * not in a call of its own. These tests hold that change to the answers of the separate check:
 * 401 for a key that does not verify, 403 for a read-only key that writes, both before anything is
 * read or written and before any 400 about the input, and one call per request.
 */
const rec = (t: string) => `/v1/tenants/${t}/objects/task/records`;
const forged = (tenantId: string): string => `dck_${tenantId}_${"Q".repeat(43)}`;
const stubOf = (tenant: string) => env.TENANTS.get(env.TENANTS.idFromName(tenantObjectName(tenant)));

async function tenantWithRecord(): Promise<{ id: string; apiKey: string; readOnly: string; recordId: string }> {
  const { tenant, apiKey } = await register();
  await deploy(tenant.id, bundle([task]));
  const created = await jsonOf<{ id: string }>(await call("POST", rec(tenant.id), { title: "kept", points: 1 }, apiKey));
  const readOnly = await jsonOf<{ apiKey: string }>(await call("POST", `/v1/tenants/${tenant.id}/keys`, { scope: "read-only" }));
  return { id: tenant.id, apiKey, readOnly: readOnly.apiKey, recordId: created.id };
}

const restore: (() => void)[] = [];
afterEach(() => {
  for (const undo of restore.splice(0)) undo();
});

/** Counts, from now on, the RPCs the tenant's object answers (by method name). */
async function countCalls(tenant: string, methods: string[]): Promise<string[]> {
  const calls: string[] = [];
  await runInDurableObject(stubOf(tenant), (instance: object) => {
    const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const method of methods) {
      const original = proto[method] as (...a: unknown[]) => unknown;
      proto[method] = function (this: object, ...args: unknown[]) {
        if (this === instance) calls.push(method);
        return original.apply(this, args);
      };
      restore.push(() => void (proto[method] = original));
    }
  });
  return calls;
}

describe("tenant keys on the records routes, checked in the record's call", () => {
  it("a wrong secret is 401 on every records route, with WWW-Authenticate, and writes nothing", async () => {
    const t = await tenantWithRecord();
    const bad = forged(t.id);
    const answers = [
      await call("POST", rec(t.id), { title: "forged" }, bad),
      await call("GET", rec(t.id), undefined, bad),
      await call("GET", `${rec(t.id)}/${t.recordId}`, undefined, bad),
      await call("PATCH", `${rec(t.id)}/${t.recordId}`, { title: "forged" }, bad),
      await call("DELETE", `${rec(t.id)}/${t.recordId}`, undefined, bad),
    ];
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(answers.every((r) => r.headers.get("WWW-Authenticate")?.startsWith("Bearer"))).toBe(true);
    expect(await rows(t.id, "SELECT title FROM o_task")).toEqual([{ title: "kept" }]);
  });

  it("a read-only key reads, and is 403 on every write, which writes nothing", async () => {
    const t = await tenantWithRecord();
    expect((await call("GET", rec(t.id), undefined, t.readOnly)).status).toBe(200);
    expect((await call("GET", `${rec(t.id)}/${t.recordId}`, undefined, t.readOnly)).status).toBe(200);
    const writes = [
      await call("POST", rec(t.id), { title: "ro" }, t.readOnly),
      await call("PATCH", `${rec(t.id)}/${t.recordId}`, { title: "ro" }, t.readOnly),
      await call("DELETE", `${rec(t.id)}/${t.recordId}`, undefined, t.readOnly),
    ];
    expect(writes.map((r) => r.status)).toEqual([403, 403, 403]);
    expect(await rows(t.id, "SELECT title FROM o_task")).toEqual([{ title: "kept" }]);
  });

  it("refuses the key before the input: 401 and 403 come before a 400 about the body or the query", async () => {
    const t = await tenantWithRecord();
    const badJson = (bearer: string) => exports.default.fetch(BASE + rec(t.id), { method: "POST", headers: { Authorization: `Bearer ${bearer}`, "content-type": "application/json" }, body: "{not json" });
    expect((await badJson(forged(t.id))).status).toBe(401);
    expect((await badJson(t.readOnly)).status).toBe(403);
    expect((await badJson(t.apiKey)).status).toBe(400);
    expect((await call("GET", `${rec(t.id)}?nope[eq]=1`, undefined, forged(t.id))).status).toBe(401);
    expect((await call("GET", `${rec(t.id)}?nope[eq]=1`, undefined, t.readOnly)).status).toBe(400);
  });

  it("a revoked key, another tenant's key and a destroyed tenant's key are refused", async () => {
    const a = await tenantWithRecord();
    const b = await tenantWithRecord();
    expect((await call("GET", rec(b.id), undefined, a.apiKey)).status).toBe(404);
    expect((await call("POST", rec(b.id), { title: "cross" }, a.apiKey)).status).toBe(404);
    const keys = await jsonOf<{ items: { id: string; scope: string }[] }>(await call("GET", `/v1/tenants/${a.id}/keys`));
    const readOnlyId = keys.items.find((k) => k.scope === "read-only")?.id ?? "";
    expect((await call("DELETE", `/v1/tenants/${a.id}/keys/${readOnlyId}`)).status).toBe(204);
    expect((await call("GET", rec(a.id), undefined, a.readOnly)).status).toBe(401);
    expect((await call("DELETE", `/v1/tenants/${b.id}`)).status).toBe(200);
    expect((await call("GET", rec(b.id), undefined, b.apiKey)).status).toBe(401);
    expect(await rows(b.id, "SELECT name FROM sqlite_master WHERE name = 'o_task'")).toEqual([]);
  });

  it("one call to the tenant object per records request with a key, as with the admin token", async () => {
    const t = await tenantWithRecord();
    const calls = await countCalls(t.id, ["verifyTenantKey", "createRecord", "getRecord"]);
    expect((await call("POST", rec(t.id), { title: "counted" }, t.apiKey)).status).toBe(201);
    expect((await call("GET", `${rec(t.id)}/${t.recordId}`, undefined, t.apiKey)).status).toBe(200);
    expect(calls).toEqual(["createRecord", "getRecord"]);
  });
});


import { describe, expect, it } from "vitest";
import { bundle, call, deploy, jsonOf, register, rows, task } from "./tenant-helpers.ts";

const rec = (t: string, o = "task") => `/v1/tenants/${t}/objects/${o}/records`;

describe("records API", () => {
  it("creates, reads, lists with filters, sort and cursor, updates and deletes", async () => {
    const { tenant, apiKey } = await register();
    await deploy(tenant.id, bundle([task]));
    for (let i = 1; i <= 5; i++) expect((await call("POST", rec(tenant.id), { title: `task ${i}`, points: i, done: i % 2 === 0 }, apiKey)).status).toBe(201);
    const page1 = await jsonOf<{ items: { id: string; points: number }[]; nextCursor: string }>(await call("GET", `${rec(tenant.id)}?points[gt]=1&sort=-points&limit=2`, undefined, apiKey));
    expect(page1.items.map((r) => r.points)).toEqual([5, 4]);
    const page2 = await jsonOf<{ items: { points: number }[]; nextCursor: string | null }>(await call("GET", `${rec(tenant.id)}?points[gt]=1&sort=-points&limit=2&cursor=${page1.nextCursor}`, undefined, apiKey));
    expect(page2.items.map((r) => r.points)).toEqual([3, 2]);
    const done = await jsonOf<{ items: { done: boolean }[] }>(await call("GET", `${rec(tenant.id)}?done[eq]=true&title[contains]=task`, undefined, apiKey));
    expect(done.items).toHaveLength(2);
    expect((await jsonOf<{ items: unknown[] }>(await call("GET", `${rec(tenant.id)}?points[in]=1,3`, undefined, apiKey))).items).toHaveLength(2);
    const id = page1.items[0]?.id ?? "";
    const patched = await jsonOf<{ title: string; done: boolean }>(await call("PATCH", `${rec(tenant.id)}/${id}`, { done: true, title: "renamed" }, apiKey));
    expect(patched).toMatchObject({ title: "renamed", done: true });
    expect((await call("DELETE", `${rec(tenant.id)}/${id}`, undefined, apiKey)).status).toBe(204);
    expect((await call("GET", `${rec(tenant.id)}/${id}`, undefined, apiKey)).status).toBe(404);
    expect(await rows(tenant.id, "SELECT id FROM o_task")).toHaveLength(4);
  });

  it("validates input against the deployed fields (400 with paths), enforces unique (409) and references (422)", async () => {
    const { tenant } = await register();
    await deploy(tenant.id, bundle([{ name: "team", label: "Team", fields: [{ name: "slug", type: "text", unique: true }] }, { name: "member", label: "Member", fields: [{ name: "team", type: "reference", reference: "team", required: true }, { name: "role", type: "select", options: ["dev", "ops"] }] }]));
    const bad = await call("POST", rec(tenant.id, "member"), { role: "boss", extra: 1 });
    expect(bad.status).toBe(400);
    expect((await jsonOf<{ errors: { path: string }[] }>(bad)).errors.map((e) => e.path)).toEqual(expect.arrayContaining(["team", "role"]));
    const team = await jsonOf<{ id: string }>(await call("POST", rec(tenant.id, "team"), { slug: "core" }));
    expect((await call("POST", rec(tenant.id, "team"), { slug: "core" })).status).toBe(409);
    expect((await call("POST", rec(tenant.id, "member"), { team: "rec_000000000000000000000000" })).status).toBe(422);
    expect((await call("POST", rec(tenant.id, "member"), { team: team.id, role: "dev" })).status).toBe(201);
    expect((await call("DELETE", `${rec(tenant.id, "team")}/${team.id}`)).status).toBe(409);
    expect(await rows(tenant.id, "SELECT id FROM o_member")).toHaveLength(1);
  });

  it("validates against the fields deployed now: a redeploy that widens a field takes effect at once", async () => {
    const { tenant } = await register();
    const note = (maxLength: number, version: string) => ({ manifest: { version, objects: [{ name: "note", label: "Note", fields: [{ name: "text", type: "text" as const, required: true, maxLength }] }] } });
    expect((await deploy(tenant.id, note(5, "1"))).status).toBe("ready");
    expect((await call("POST", rec(tenant.id, "note"), { text: "12345" })).status).toBe(201);
    expect((await call("POST", rec(tenant.id, "note"), { text: "123456" })).status).toBe(400);
    expect((await deploy(tenant.id, note(10, "2"))).status).toBe("ready");
    expect((await call("POST", rec(tenant.id, "note"), { text: "123456" })).status).toBe(201);
    expect((await call("POST", rec(tenant.id, "note"), { text: "12345678901" })).status).toBe(400);
    expect(await rows(tenant.id, "SELECT text FROM o_note ORDER BY text")).toEqual([{ text: "12345" }, { text: "123456" }]);
  });

  it("treats SQL in object names, field names and filter values as data or refuses it", async () => {
    const { tenant } = await register();
    await deploy(tenant.id, bundle([task]));
    await call("POST", rec(tenant.id), { title: "x'); DROP TABLE o_task; --" });
    expect((await call("GET", `/v1/tenants/${tenant.id}/objects/${encodeURIComponent('task"; DROP TABLE o_task; --')}/records`)).status).toBe(404);
    expect((await call("GET", `${rec(tenant.id)}?${encodeURIComponent('title"--[eq]')}=1`)).status).toBe(400);
    const hit = await jsonOf<{ items: { title: string }[] }>(await call("GET", `${rec(tenant.id)}?title[eq]=${encodeURIComponent("x'); DROP TABLE o_task; --")}`));
    expect(hit.items).toHaveLength(1);
    expect((await call("GET", `${rec(tenant.id)}?nope[eq]=1`)).status).toBe(400);
    expect(await rows(tenant.id, "SELECT id FROM o_task")).toHaveLength(1);
  });
});

describe("quotas", () => {
  const quotaOf = async (res: Response) => ({ status: res.status, body: await jsonOf<{ code: string; allowed: boolean; quota: string; current: number; limit: number }>(res), retryAfter: res.headers.get("retry-after") });

  it("maxObjects triggers at its number, at deploy", async () => {
    const { tenant } = await register({ quota: { maxObjects: 2 } });
    const objects = ["a", "b", "c"].map((name) => ({ name, label: name, fields: [] }));
    expect((await deploy(tenant.id, bundle(objects.slice(0, 2)))).status).toBe("ready");
    const q = await quotaOf(await call("POST", `/v1/tenants/${tenant.id}/deployments`, bundle(objects)));
    expect(q).toMatchObject({ status: 403, body: { code: "quota_exceeded", allowed: false, quota: "maxObjects", current: 0, limit: 2 } });
  });

  it("maxRecordsPerObject triggers at its number, at insert", async () => {
    const { tenant } = await register({ quota: { maxRecordsPerObject: 2 } });
    await deploy(tenant.id, bundle([task]));
    for (const title of ["a", "b"]) expect((await call("POST", rec(tenant.id), { title })).status).toBe(201);
    const q = await quotaOf(await call("POST", rec(tenant.id), { title: "c" }));
    expect(q).toMatchObject({ status: 403, body: { quota: "maxRecordsPerObject", current: 2, limit: 2 } });
    expect((await jsonOf<{ records: Record<string, number> }>(await call("GET", `/v1/tenants/${tenant.id}/usage`))).records).toEqual({ task: 2 });
  });

  it("maxRecordsPerObject counts what is left after deletes: a freed place can be taken again, and only that one", async () => {
    const { tenant } = await register({ quota: { maxRecordsPerObject: 2 } });
    await deploy(tenant.id, bundle([task]));
    const ids: string[] = [];
    for (const title of ["a", "b"]) ids.push((await jsonOf<{ id: string }>(await call("POST", rec(tenant.id), { title }))).id);
    expect((await call("DELETE", `${rec(tenant.id)}/${ids[0] ?? ""}`)).status).toBe(204);
    expect((await call("POST", rec(tenant.id), { title: "c" })).status).toBe(201);
    const q = await quotaOf(await call("POST", rec(tenant.id), { title: "d" }));
    expect(q).toMatchObject({ status: 403, body: { quota: "maxRecordsPerObject", current: 2, limit: 2 } });
    expect(await rows(tenant.id, "SELECT title FROM o_task ORDER BY title")).toEqual([{ title: "b" }, { title: "c" }]);
  });

  it("maxDeploymentsPerDay triggers at its number, with Retry-After", async () => {
    const { tenant } = await register({ quota: { maxDeploymentsPerDay: 2 } });
    expect((await deploy(tenant.id, bundle([task]))).status).toBe("ready");
    expect((await deploy(tenant.id, bundle([task]))).status).toBe("ready");
    const q = await quotaOf(await call("POST", `/v1/tenants/${tenant.id}/deployments`, bundle([task])));
    expect(q).toMatchObject({ status: 403, body: { quota: "maxDeploymentsPerDay", current: 2, limit: 2 } });
    expect(Number(q.retryAfter)).toBeGreaterThan(86_000);
  });

  it("maxStorageBytes triggers once the database reaches it, at every write", async () => {
    const { tenant } = await register({ quota: { maxStorageBytes: 1 } });
    const q = await quotaOf(await call("POST", `/v1/tenants/${tenant.id}/deployments`, bundle([task])));
    expect(q).toMatchObject({ status: 403, body: { quota: "maxStorageBytes", limit: 1 } });
    expect(q.body.current).toBeGreaterThan(1);
  });
});

describe("tenant isolation", () => {
  it("tenant A's key on every tenant-B route gets 404 or 403 and reads nothing", async () => {
    const a = await register();
    const b = await register();
    await deploy(b.tenant.id, bundle([task]));
    const secret = await jsonOf<{ id: string }>(await call("POST", rec(b.tenant.id), { title: "b-secret" }));
    const B = `/v1/tenants/${b.tenant.id}`;
    const attempts: [string, string, unknown?][] = [
      ["GET", B], ["DELETE", B], ["GET", `${B}/usage`], ["POST", `${B}/suspend`], ["GET", `${B}/keys`], ["POST", `${B}/keys`, {}],
      ["POST", `${B}/deployments`, bundle([])], ["GET", `${B}/apps`], ["GET", `${B}/webhooks`],
      ["GET", rec(b.tenant.id)], ["GET", `${rec(b.tenant.id)}/${secret.id}`], ["POST", rec(b.tenant.id), { title: "x" }], ["PATCH", `${rec(b.tenant.id)}/${secret.id}`, { title: "x" }], ["DELETE", `${rec(b.tenant.id)}/${secret.id}`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await call(method, path, body, a.apiKey);
      expect([403, 404], `${method} ${path}`).toContain(res.status);
      expect(await res.text()).not.toContain("b-secret");
    }
    expect((await call("GET", "/v1/tenants", undefined, a.apiKey)).status).toBe(403);
    expect((await call("GET", "/v1/cluster", undefined, a.apiKey)).status).toBe(403);
    expect(await rows(b.tenant.id, "SELECT title FROM o_task")).toEqual([{ title: "b-secret" }]);
    expect((await call("GET", `/v1/tenants/${a.tenant.id}/usage`, undefined, a.apiKey)).status).toBe(200);
  });

  it("a forged key naming tenant B (the right shape, a wrong secret) is 401", async () => {
    const b = await register();
    expect((await call("GET", `/v1/tenants/${b.tenant.id}`, undefined, `dck_${b.tenant.id}_${"A".repeat(43)}`)).status).toBe(401);
  });
});

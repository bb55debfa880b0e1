import { describe, expect, it } from "vitest";
import { bundle, call, deploy, jsonOf, register, rows } from "./tenant-helpers.ts";

// SQLite in a Durable Object binds at most 100 parameters per statement: statements whose values
// grow with the input must not bind one parameter per value.
const rec = (t: string) => `/v1/tenants/${t}/objects/wide/records`;
const fields = Array.from({ length: 97 }, (_, i) => ({ name: `f${i}`, type: "integer" as const }));

describe("statements whose values grow with the input", () => {
  it("deploys an object of 97 fields (the most a table allows beside the 3 system columns), creates and updates its records", async () => {
    const { tenant, apiKey } = await register();
    const deployed = await deploy(tenant.id, bundle([{ name: "wide", label: "Wide", fields }]));
    expect(deployed.error).toBeNull();
    const input = Object.fromEntries(fields.map((f, i) => [f.name, i]));
    const created = await call("POST", rec(tenant.id), input, apiKey);
    expect(created.status).toBe(201);
    const { id } = await jsonOf<{ id: string }>(created);
    const patched = await call("PATCH", `${rec(tenant.id)}/${id}`, Object.fromEntries(fields.map((f, i) => [f.name, i * 2])), apiKey);
    expect(patched.status).toBe(200);
    const [row] = await rows<Record<string, number>>(tenant.id, "SELECT f0, f77, f96, typeof(f96) AS t FROM o_wide WHERE id = ?", id);
    expect(row).toEqual({ f0: 0, f77: 154, f96: 192, t: "integer" });
  });

  it("refuses an object of 98 fields at validation, with the path, and creates nothing", async () => {
    const { tenant } = await register();
    const res = await call("POST", `/v1/tenants/${tenant.id}/deployments`, bundle([{ name: "wide", label: "Wide", fields: [...fields, { name: "f97", type: "integer" }] }]));
    expect(res.status).toBe(400);
    expect((await jsonOf<{ errors: { path: string }[] }>(res)).errors.map((e) => e.path)).toEqual(["manifest.objects.0.fields"]);
    expect(await rows(tenant.id, "SELECT name FROM sqlite_master WHERE name = 'o_wide'")).toEqual([]);
  });

  it("lists with two IN filters of 100 values each (200 values, plus a cursor)", async () => {
    const { tenant, apiKey } = await register();
    await deploy(tenant.id, bundle([{ name: "wide", label: "Wide", fields: fields.slice(0, 2) }]));
    for (let i = 0; i < 5; i++) await call("POST", rec(tenant.id), { f0: i, f1: i * 10 }, apiKey);
    const hundred = (scale: number) => Array.from({ length: 100 }, (_, i) => i * scale).join(",");
    const page = await call("GET", `${rec(tenant.id)}?f0[in]=${hundred(1)}&f1[in]=${hundred(10)}&sort=f0&limit=2`, undefined, apiKey);
    expect(page.status).toBe(200);
    const first = await jsonOf<{ items: { f0: number }[]; nextCursor: string }>(page);
    expect(first.items.map((r) => r.f0)).toEqual([0, 1]);
    const next = await jsonOf<{ items: { f0: number }[] }>(await call("GET", `${rec(tenant.id)}?f0[in]=${hundred(1)}&f1[in]=${hundred(10)}&sort=f0&limit=2&cursor=${first.nextCursor}`, undefined, apiKey));
    expect(next.items.map((r) => r.f0)).toEqual([2, 3]);
  });
});

describe("listing filters, each at its limit and one past it", () => {
  const setup = async () => {
    const { tenant, apiKey } = await register();
    await deploy(tenant.id, bundle([{ name: "wide", label: "Wide", fields: [...fields.slice(0, 20), { name: "note", type: "text" }] }]));
    for (let i = 0; i < 3; i++) await call("POST", rec(tenant.id), Object.fromEntries(fields.slice(0, 20).map((f) => [f.name, i])), apiKey);
    const list = async (query: string) => {
      const res = await call("GET", `${rec(tenant.id)}?${query}`, undefined, apiKey);
      return { status: res.status, body: await jsonOf<{ items?: { f0: number }[]; code?: string; errors?: { path: string; message: string }[] }>(res) };
    };
    return { list };
  };
  const values = (n: number) => Array.from({ length: n }, (_, i) => i).join(",");

  it("takes 100 values in one in filter and refuses 101 with 400 naming the limit", async () => {
    const { list } = await setup();
    expect((await list(`f0[in]=${values(100)}&sort=f0`)).body.items?.map((r) => r.f0)).toEqual([0, 1, 2]);
    const past = await list(`f0[in]=${values(101)}`);
    expect(past).toMatchObject({ status: 400, body: { code: "validation_failed", errors: [{ path: "query.f0[in]", message: "at most 100 values (101 given)" }] } });
  });

  it("takes 20 filters and refuses 21", async () => {
    const { list } = await setup();
    const filters = (n: number) => Array.from({ length: n }, (_, i) => `f${i}[lt]=1000`).join("&");
    expect((await list(filters(20))).body, "20 filters").toMatchObject({ items: [{}, {}, {}] });
    expect(await list(`${filters(20)}&note[contains]=x`)).toMatchObject({ status: 400, body: { errors: [{ path: "query", message: "at most 20 filters" }] } });
  });

  it("refuses a value that does not parse for its field's type, with the path", async () => {
    const { list } = await setup();
    for (const [query, path] of [
      ["created_at[gt]=abc", "query.created_at[gt]"],
      ["updated_at[lt]=1e3", "query.updated_at[lt]"],
      ["f0[eq]=", "query.f0[eq]"],
      ["f0[eq]=0x10", "query.f0[eq]"],
      ["f0[gt]=%201", "query.f0[gt]"],
      ["f0[in]=1,,2", "query.f0[in]"],
      ["f0[eq]=1.5", "query.f0[eq]"],
    ] as const) {
      expect(await list(query), query).toMatchObject({ status: 400, body: { code: "validation_failed", errors: [{ path }] } });
    }
    expect((await list(`created_at[gt]=${Date.now() - 3_600_000}`)).body.items).toHaveLength(3);
  });
});

import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, jsonOf, rows } from "./tenant-helpers.ts";
import { itemBundle, rolloutOf, settledRollout, startRollout, tenants, tenantsOf } from "./rollout-helpers.ts";

/** Rollbacks, tenants behind the fleet's target, and rollouts whose objects are evicted mid-wave. */
const started = async (res: Response): Promise<string> => {
  if (res.status !== 202) throw new Error(`start answered ${res.status}: ${await res.text()}`);
  return (await jsonOf<{ rolloutId: string }>(res)).rolloutId;
};
const complete = async (ids: string[], bundle: ReturnType<typeof itemBundle>): Promise<string> => {
  const id = await started(await startRollout({ target: { bundle }, tenants: { ids } }));
  expect((await settledRollout(id, ["completed"])).counts.ready).toBe(ids.length);
  return id;
};
const indexesOf = (tenant: string) => rows<{ name: string }>(tenant, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'o_item' AND sql IS NOT NULL ORDER BY name");

describe("rollbacks", () => {
  it("rolls back an index and a label to each tenant's previous bundle, once however often it is asked", async () => {
    const ids = await tenants(12);
    await complete(ids, itemBundle("1"));
    const before = await indexesOf(ids[3] ?? "");
    const v2 = await complete(ids, { version: "2", objects: [{ name: "item", label: "Stock item", fields: [{ name: "sku", type: "text" }, { name: "qty", type: "integer", indexed: true }] }] });
    expect((await indexesOf(ids[3] ?? "")).length).toBe(before.length + 1);
    const first = await call("POST", `/v1/rollouts/${v2}/rollback`);
    const back = await started(first);
    const again = await call("POST", `/v1/rollouts/${v2}/rollback`);
    expect(await started(again)).toBe(back);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    const done = await settledRollout(back, ["completed"]);
    expect(done).toMatchObject({ rollbackOf: v2, target: { kind: "rollback" }, counts: { ready: 12 } });
    for (const t of ids) expect(await indexesOf(t)).toEqual(before);
    const [label] = await rows<{ d: string }>(ids[0] ?? "", "SELECT json_extract(definition, '$.label') AS d FROM tenant_metadata WHERE name = 'item'");
    expect(label?.d).toBe("Item");
    expect((await call("POST", `/v1/rollouts/${back}/rollback`)).status).toBe(409);
  }, 120_000);

  it("refuses with 409 and says why when going back would drop data, starting nothing", async () => {
    const ids = await tenants(6);
    await complete(ids, itemBundle("1"));
    const v2 = await complete(ids, { version: "2", objects: [{ name: "item", label: "Item", fields: [{ name: "sku", type: "text" }, { name: "qty", type: "integer" }, { name: "note", type: "text" }] }] });
    const count = (await jsonOf<{ items: unknown[] }>(await call("GET", "/v1/rollouts?limit=200"))).items.length;
    const refused = await call("POST", `/v1/rollouts/${v2}/rollback`);
    expect(refused.status).toBe(409);
    const problem = await jsonOf<{ detail: string; errors: { path: string; message: string }[] }>(refused);
    expect(problem.errors).toHaveLength(1);
    expect(problem.errors[0]?.message).toMatch(/allowDestructive|drop/);
    expect(problem.errors[0]?.message).toContain("5 more tenants");
    expect((await jsonOf<{ items: unknown[] }>(await call("GET", "/v1/rollouts?limit=200"))).items.length).toBe(count);
    expect((await rows(ids[0] ?? "", "SELECT note FROM o_item")).length).toBe(0);
  }, 120_000);
});

describe("tenants behind the fleet's target", () => {
  it("lists the tenants a halted rollout did not bring to its target, and none once it completes", async () => {
    const ids = await tenants(10);
    await complete(ids, itemBundle("1"));
    const bad = ids[4] ?? "";
    for (let i = 0; i < 2; i++) expect((await call("POST", `/v1/tenants/${bad}/objects/item/records`, { sku: "dup" })).status).toBe(201);
    const id = await started(await startRollout({ target: { bundle: itemBundle("2", true) }, tenants: { ids }, waves: ["100%"], concurrency: 1 }));
    const halted = await settledRollout(id, ["halted"]);
    expect(halted.counts).toMatchObject({ ready: 4, failed: 1, pending: 5 });
    const behind = async () => (await jsonOf<{ items: { id: string }[] }>(await call("GET", "/v1/tenants?behind=true&limit=200"))).items.map((t) => t.id).filter((t) => ids.includes(t));
    expect(await behind()).toEqual(ids.slice(4));
    const paged = await jsonOf<{ items: { id: string }[]; nextCursor: string | null }>(await call("GET", `/v1/tenants?behind=true&limit=2&cursor=${ids[3] ?? ""}`));
    expect(paged.items.map((t) => t.id)).toEqual(ids.slice(4, 6));
    const [one] = await rows<{ id: string }>(bad, "SELECT id FROM o_item LIMIT 1");
    expect((await call("DELETE", `/v1/tenants/${bad}/objects/item/records/${one?.id ?? ""}`)).status).toBe(204);
    expect((await call("POST", `/v1/rollouts/${id}/resume`)).status).toBe(202);
    await settledRollout(id, ["completed"]);
    expect(await behind()).toEqual([]);
  }, 120_000);
});

describe("rollouts under eviction", () => {
  it("finishes every tenant exactly once when every object (the fleet, tenants, the Workflow's) is evicted mid-wave", async () => {
    const ids = await tenants(40);
    await complete(ids, itemBundle("1"));
    const id = await started(await startRollout({ target: { bundle: itemBundle("2", false, { label: "Evicted" }) }, tenants: { ids }, waves: [5, "100%"], concurrency: 3 }));
    for (const threshold of [6, 20]) {
      for (let r = await rolloutOf(id); r.counts.ready < threshold && r.status === "running"; r = await rolloutOf(id)) await new Promise((s) => setTimeout(s, 20));
      await abortAllDurableObjects();
    }
    const done = await settledRollout(id, ["completed"]);
    expect(done.counts).toEqual({ pending: 0, running: 0, ready: 40, failed: 0, skipped: 0 });
    for (const t of ids) {
      expect(await rows(t, "SELECT step FROM tenant_rollouts WHERE rollout_id = ?", id)).toHaveLength(1);
      expect(await rows(t, "SELECT id FROM tenant_deployments WHERE applied = 1 AND json_extract(body, '$.version') = '2'")).toHaveLength(1);
    }
    expect((await tenantsOf(id)).every((m) => m.state === "ready")).toBe(true);
  }, 180_000);
});

import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ownerKey } from "../../src/events/publish.ts";
import type { FleetObject } from "../../src/objects/fleet-object.ts";
import { rows as shardRows } from "./entity-helpers.ts";
import { eventually } from "./event-helpers.ts";
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
/** Two items with one sku in `tenant`: a unique index on sku fails there. */
const duplicateSku = async (tenant: string): Promise<void> => {
  for (let i = 0; i < 2; i++) expect((await call("POST", `/v1/tenants/${tenant}/objects/item/records`, { sku: "dup" })).status).toBe(201);
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
    await duplicateSku(bad);
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
      await eventually(async () => {
        const r = await rolloutOf(id);
        return r.counts.ready >= threshold || r.status !== "running";
      });
      await abortAllDurableObjects();
    }
    const done = await settledRollout(id, ["completed"]);
    expect(done.counts).toEqual({ pending: 0, running: 0, ready: 40, failed: 0, skipped: 0 });
    for (const t of ids) {
      expect(await rows(t, "SELECT id FROM tenant_deployments WHERE applied = 1 AND json_extract(body, '$.version') = '2'")).toHaveLength(1);
    }
    expect((await tenantsOf(id)).every((m) => m.state === "ready")).toBe(true);
  }, 180_000);
});

describe("resumes, thresholds, cancels and events", () => {
  it("resumes with a new target: every tenant, ready ones included, gets it", async () => {
    const ids = await tenants(8);
    await complete(ids, itemBundle("1"));
    const bad = ids[5] ?? "";
    await duplicateSku(bad);
    const id = await started(await startRollout({ target: { bundle: itemBundle("2", true) }, tenants: { ids }, waves: ["100%"], concurrency: 1 }));
    expect((await settledRollout(id, ["halted"])).counts).toMatchObject({ ready: 5, failed: 1, pending: 2 });
    // The fix is in the bundle this time: a label change instead of the unique index.
    const fixed = itemBundle("2b", false, { label: "Fixed" });
    expect((await call("POST", `/v1/rollouts/${id}/resume`, { target: { bundle: fixed } })).status).toBe(202);
    const done = await settledRollout(id, ["completed"]);
    expect(done).toMatchObject({ counts: { ready: 8 }, target: { version: "2b" } });
    for (const t of ids) {
      const [item] = await rows<{ label: string }>(t, "SELECT json_extract(definition, '$.label') AS label FROM tenant_metadata WHERE name = 'item'");
      expect(item?.label).toBe("Fixed");
    }
  }, 120_000);

  it("tolerates failures up to a share of the tenants, and halts past it", async () => {
    const ids = await tenants(10);
    await complete(ids, itemBundle("1"));
    for (const bad of [ids[2] ?? "", ids[6] ?? ""]) await duplicateSku(bad);
    const tolerated = await started(await startRollout({ target: { bundle: itemBundle("2", true) }, tenants: { ids }, waves: ["100%"], concurrency: 1, maxFailures: "20%" }));
    expect((await settledRollout(tolerated, ["completed"])).counts).toMatchObject({ ready: 8, failed: 2 });
    const ids2 = await tenants(10);
    await complete(ids2, itemBundle("1"));
    for (const bad of [ids2[2] ?? "", ids2[6] ?? ""]) await duplicateSku(bad);
    const strict = await started(await startRollout({ target: { bundle: itemBundle("2", true) }, tenants: { ids: ids2 }, waves: ["100%"], concurrency: 1, maxFailures: "10%" }));
    expect((await settledRollout(strict, ["halted"])).counts).toMatchObject({ ready: 5, failed: 2, pending: 3 });
  }, 120_000);

  it("cancels a paused rollout: its Workflow wakes, starts nothing, and no tenant after the first wave changes", async () => {
    const ids = await tenants(6);
    await complete(ids, itemBundle("1"));
    const id = await started(await startRollout({ target: { bundle: itemBundle("2", false, { label: "Paused" }) }, tenants: { ids }, waves: [1, "100%"], pauseBetweenWavesMs: 500 }));
    await settledRollout(id, ["paused"]);
    expect((await call("POST", `/v1/rollouts/${id}/cancel`)).status).toBe(200);
    // The run wakes when the pause is over, finds the rollout cancelled and ends: its instance completes.
    const instance = await env.ROLLOUTS.get(`${id}-1`);
    await eventually(async () => {
      const { status } = await instance.status();
      expect(status).not.toBe("errored");
      return status === "complete";
    });
    const after = await settledRollout(id, ["cancelled"]);
    expect(after.counts).toMatchObject({ ready: 1, pending: 5 });
    const [late] = await rows<{ label: string }>(ids[5] ?? "", "SELECT json_extract(definition, '$.label') AS label FROM tenant_metadata WHERE name = 'item'");
    expect(late?.label).toBe("Item");
  }, 60_000);

  it("resumes a paused rollout at once: the pause ends and the next wave runs", async () => {
    const ids = await tenants(5);
    await complete(ids, itemBundle("1"));
    const id = await started(await startRollout({ target: { bundle: itemBundle("2", false, { label: "Resumed" }) }, tenants: { ids }, waves: [1, "100%"], pauseBetweenWavesMs: 3_600_000 }));
    expect((await settledRollout(id, ["paused"])).counts).toMatchObject({ ready: 1, pending: 4 });
    expect((await call("POST", `/v1/rollouts/${id}/resume`)).status).toBe(202);
    expect(await settledRollout(id, ["completed"], 30_000)).toMatchObject({ counts: { ready: 5 }, currentWave: 2, runs: 2 });
  }, 60_000);

  it("publishes rollout.progress after each wave and rollout.completed once", async () => {
    const ids = await tenants(4);
    const id = await complete(ids, itemBundle("1"));
    const owner = ownerKey(`rollout:${id}`, "");
    const types = async () => (await shardRows<{ type: string }>("EventBus", owner, "SELECT type FROM outbox WHERE partition_key = ? ORDER BY sequence", `rollout:${id}`)).map((e) => e.type);
    // The status reads `completed` a moment before the completion is published.
    await eventually(async () => (await types()).includes("rollout.completed"));
    expect(await types()).toEqual(["rollout.progress", "rollout.progress", "rollout.completed"]);
  });
});

describe("runs", () => {
  it("records a tenant's outcome only from the run that claimed it; a run resumed past is refused", async () => {
    const id = `ro_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
    const ready = { state: "ready" as const, reason: null, deploymentId: "dep_x", error: null, previousChecksum: null };
    const spec = { target: { bundle: { version: "1", objects: [], views: [], flows: [], permissions: [] } }, summary: { kind: "bundle" as const, name: null, version: "1", checksum: null }, tenants: "all" as const, waves: [2], concurrency: 1, maxFailures: 0, pauseBetweenWavesMs: 0, allowDestructive: false, rollbackOf: null };
    await runInDurableObject(env.FLEET.get(env.FLEET.idFromName("fleet")), (fleet: FleetObject) => {
      fleet.rollouts.create(id, null, spec, [{ id: `${id}-a`, status: "active" }, { id: `${id}-b`, status: "active" }]);
      expect(fleet.runs.claim(id, 1, `${id}-a`).ok).toBe(true);
      fleet.rollouts.transition(id, ["running"], "halted");
      expect(fleet.runs.claim(id, 1, `${id}-b`).ok).toBe(false); // halted: nothing new starts
      expect(fleet.runs.claim(id, 1, `${id}-a`).ok).toBe(true); // its own claimed tenant may finish
      expect(fleet.rollouts.resume(id, undefined, undefined).run).toBe(2);
      expect(fleet.runs.record(id, 1, `${id}-a`, ready)).toEqual({ status: "superseded", halted: false });
      expect(fleet.rollouts.tenants(id, undefined, undefined, 10).items.map((t) => t.state)).toEqual(["pending", "pending"]); // reset by the resume, not overwritten by run 1
      expect(fleet.runs.claim(id, 1, `${id}-b`)).toEqual({ ok: false, status: "superseded" });
      expect(fleet.runs.claim(id, 2, `${id}-a`).ok).toBe(true);
      expect(fleet.runs.record(id, 2, `${id}-a`, ready).status).toBe("running");
      expect(fleet.rollouts.tenants(id, undefined, undefined, 10).items.map((t) => t.state)).toEqual(["ready", "pending"]);
    });
  });
});

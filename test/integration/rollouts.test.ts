import { beforeAll, describe, expect, it } from "vitest";
import { call, jsonOf, rows } from "./tenant-helpers.ts";
import { itemBundle, settledRollout, startRollout, tenants, tenantsOf } from "./rollout-helpers.ts";

/**
 * Fleet rollouts over 200 tenants, run by the real Workflow engine: waves in order, the halt at the
 * threshold on a tenant whose data breaks the migration, resume after the fix, skipped tenants,
 * idempotent start, cancel, and refusals up front.
 */
let ids: string[] = [];
beforeAll(async () => {
  ids = await tenants(200);
}, 60_000);

const started = async (res: Response): Promise<string> => {
  if (res.status !== 202) throw new Error(`start answered ${res.status}: ${await res.text()}`);
  return (await jsonOf<{ rolloutId: string }>(res)).rolloutId;
};

describe("fleet rollouts", () => {
  it("deploys a bundle to 200 tenants in waves of 1, 10 % and the rest, one wave after the other", async () => {
    const id = await started(await startRollout({ target: { bundle: itemBundle("1") }, tenants: { ids } }));
    const done = await settledRollout(id, ["completed"]);
    expect(done.counts).toEqual({ pending: 0, running: 0, ready: 200, failed: 0, skipped: 0 });
    expect(done.waves).toEqual([1, 20, 200]);
    const members = await tenantsOf(id);
    expect(members.map((m) => m.tenantId)).toEqual(ids);
    expect([1, 2, 3].map((w) => members.filter((m) => m.wave === w).length)).toEqual([1, 19, 180]);
    const times = (w: number) => members.filter((m) => m.wave === w).map((m) => Date.parse(m.finishedAt ?? ""));
    expect(Math.max(...times(1))).toBeLessThanOrEqual(Math.min(...times(2)));
    expect(Math.max(...times(2))).toBeLessThanOrEqual(Math.min(...times(3)));
    expect(await rows(ids[199] ?? "", "SELECT name FROM sqlite_master WHERE name = 'o_item'")).toEqual([{ name: "o_item" }]);
  }, 120_000);

  it("halts at the first failure, keeps the failing tenant's data whole, and completes after the fix and a resume", async () => {
    const bad = ids[100] ?? "";
    for (const sku of ["A-1", "A-1"]) expect((await call("POST", `/v1/tenants/${bad}/objects/item/records`, { sku, qty: 1 })).status).toBe(201);
    const id = await started(await startRollout({ target: { bundle: itemBundle("2", true) }, tenants: { ids }, concurrency: 5 }));
    const halted = await settledRollout(id, ["halted"]);
    expect(halted.failures.map((f) => [f.tenantId, f.stage, f.code])).toEqual([[bad, "migrating", "migration_failed"]]);
    expect(halted.failures[0]?.statement).toContain("UNIQUE INDEX");
    expect(halted.failures[0]?.sqliteError).toContain("UNIQUE");
    expect(halted.counts.pending).toBeGreaterThan(0);
    expect(halted.haltedAt).not.toBeNull();
    expect(await rows(bad, "SELECT sku FROM o_item")).toEqual([{ sku: "A-1" }, { sku: "A-1" }]);
    expect(await rows(bad, "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '%UNIQUE%' AND tbl_name = 'o_item'")).toEqual([]);
    const failed = await tenantsOf(id, "failed");
    expect(failed.map((t) => t.tenantId)).toEqual([bad]);

    const [first] = await rows<{ id: string }>(bad, "SELECT id FROM o_item LIMIT 1");
    expect((await call("DELETE", `/v1/tenants/${bad}/objects/item/records/${first?.id ?? ""}`)).status).toBe(204);
    expect((await call("POST", `/v1/rollouts/${id}/resume`)).status).toBe(202);
    const done = await settledRollout(id, ["completed"]);
    expect(done.counts).toEqual({ pending: 0, running: 0, ready: 200, failed: 0, skipped: 0 });
    expect(done.runs).toBe(2);
    expect((await rows(bad, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'o_item' AND sql LIKE '%UNIQUE%'")).length).toBe(1);
  }, 180_000);

  it("skips tenants already at the target and suspended ones, listing why", async () => {
    const asleep = ids[7] ?? "";
    expect((await call("POST", `/v1/tenants/${asleep}/suspend`)).status).toBe(200);
    const id = await started(await startRollout({ target: { bundle: itemBundle("2", true) }, tenants: { ids: ids.slice(0, 40) }, waves: ["100%"] }));
    const done = await settledRollout(id, ["completed"]);
    expect(done.counts).toEqual({ pending: 0, running: 0, ready: 0, failed: 0, skipped: 40 });
    const members = await tenantsOf(id, "skipped");
    expect(members.find((m) => m.tenantId === asleep)?.reason).toBe("suspended");
    expect(members.filter((m) => m.reason === "at-target")).toHaveLength(39);
    expect((await call("POST", `/v1/tenants/${asleep}/resume`)).status).toBe(200);
  }, 120_000);

  it("starts once per Idempotency-Key, refuses an overlapping rollout with 409, and cancels", async () => {
    const some = ids.slice(0, 30);
    const body = { target: { bundle: itemBundle("3", true, { label: "Stock item" }) }, tenants: { ids: some }, waves: [1, "100%"], pauseBetweenWavesMs: 60_000 };
    const first = await startRollout(body, "rollout-key-1");
    const id = await started(first);
    const again = await startRollout(body, "rollout-key-1");
    expect(again.status).toBe(202);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await started(again)).toBe(id);
    const paused = await settledRollout(id, ["paused"]);
    expect(paused.counts).toMatchObject({ ready: 1, pending: 29 });
    const overlap = await startRollout({ target: { bundle: itemBundle("4") }, tenants: { ids: ids.slice(25, 35) } });
    expect(overlap.status).toBe(409);
    const cancelled = await jsonOf<{ status: string; counts: { pending: number } }>(await call("POST", `/v1/rollouts/${id}/cancel`));
    expect(cancelled).toMatchObject({ status: "cancelled", counts: { pending: 29 } });
    expect((await call("POST", `/v1/rollouts/${id}/cancel`)).status).toBe(409);
    const list = await jsonOf<{ items: { id: string }[] }>(await call("GET", "/v1/rollouts?limit=200"));
    expect(list.items.filter((r) => r.id === id)).toHaveLength(1);
  }, 120_000);

  it("refuses an invalid bundle or an unknown tenant with 400 and paths, starting nothing", async () => {
    const before = (await jsonOf<{ items: unknown[] }>(await call("GET", "/v1/rollouts?limit=200"))).items.length;
    const bad = await startRollout({ target: { bundle: { version: "9", objects: [{ name: "item", label: "Item", fields: [{ name: "owner", type: "reference", reference: "nobody" }] }] } }, tenants: { ids } });
    expect(bad.status).toBe(400);
    expect((await jsonOf<{ errors: { path: string }[] }>(bad)).errors.map((e) => e.path)).toEqual(["target.bundle.objects.0.fields.0.reference"]);
    const unknown = await startRollout({ target: { bundle: itemBundle("9") }, tenants: { ids: [ids[0] ?? "", "tnnobody"] } });
    expect(unknown.status).toBe(400);
    expect((await jsonOf<{ errors: { path: string }[] }>(unknown)).errors.map((e) => e.path)).toEqual(["tenants.ids.1"]);
    expect((await call("GET", "/v1/rollouts/ro_000000000000000000000000")).status).toBe(404);
    expect((await jsonOf<{ items: unknown[] }>(await call("GET", "/v1/rollouts?limit=200"))).items.length).toBe(before);
    expect((await call("GET", "/v1/rollouts/ro_nope/tenants")).status).toBe(404);
  });
});

import { readFileSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startWranglerDev, type WranglerDev } from "./harness/wrangler-dev.ts";

/**
 * A fleet rollout under a real `wrangler dev`: 50 tenants, one whose data breaks the migration,
 * the halt, the fix, the resume, all ready; then a rollout interrupted by `kill -9` of the runtime
 * and finished after a restart on the same persistence directory, every tenant (each object cold
 * after the restart) brought to the target once.
 */
let dev: WranglerDev | undefined;
let restarted: WranglerDev | undefined;
afterAll(async () => {
  await restarted?.stop();
  await dev?.stop();
  if (dev) rmSync(dirname(dev.persistTo), { recursive: true, force: true });
});

const VARS = { ROLLOUT_STALL_MS: "3000" };
const run = Date.now().toString(36);
const ids = Array.from({ length: 50 }, (_, i) => `ro-${run}-${String(i).padStart(2, "0")}`);
const item = (version: string, unique: boolean, label = "Item") => ({ version, objects: [{ name: "item", label, fields: [{ name: "sku", type: "text", unique }] }] });

describe("rollouts under wrangler dev", () => {
  it("halts on the failing tenant, resumes after the fix to all 50 ready, and finishes a rollout across a kill -9", async () => {
    dev = await startWranglerDev({ vars: VARS });
    let current = dev;
    const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
      const res = await fetch(`${current.url}${path}`, { method, headers: { Authorization: `Bearer ${current.adminToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(15_000) });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    };
    const start = async (body: unknown): Promise<string> => {
      const res = await call("POST", "/v1/rollouts", body);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      return String(res.body.rolloutId);
    };
    const until = async (id: string, status: string, timeoutMs = 90_000): Promise<Record<string, unknown>> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = await call("GET", `/v1/rollouts/${id}`).catch((err: unknown): { status: number; body: Record<string, unknown> } => ({ status: 0, body: { error: String(err) } }));
        if (got.body.status === status && (got.body.counts as { running: number }).running === 0) return got.body;
        if (Date.now() > deadline) {
          const log = readFileSync(current.logFile, "utf8").split("\n").filter((l) => !l.includes("GET /v1/rollouts/")).slice(-40).join("\n");
          throw new Error(`rollout ${id} not ${status}: ${got.status} ${JSON.stringify({ ...got.body, tenants: undefined, target: undefined })}\n${log}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    for (let i = 0; i < ids.length; i += 10) await Promise.all(ids.slice(i, i + 10).map(async (id) => expect((await call("POST", "/v1/tenants", { id, name: id, plan: "pro" })).status).toBe(201)));
    expect(await until(await start({ target: { bundle: item("1", false) }, tenants: { ids } }), "completed")).toMatchObject({ counts: { ready: 50 } });

    const bad = ids[30] ?? "";
    for (let i = 0; i < 2; i++) expect((await call("POST", `/v1/tenants/${bad}/objects/item/records`, { sku: "dup" })).status).toBe(201);
    const v2 = await start({ target: { bundle: item("2", true) }, tenants: { ids }, concurrency: 5 });
    const halted = await until(v2, "halted");
    expect(halted.failures).toEqual([expect.objectContaining({ tenantId: bad, stage: "migrating", code: "migration_failed" })]);
    expect((halted.counts as { pending: number }).pending).toBeGreaterThan(0);
    const records = (await call("GET", `/v1/tenants/${bad}/objects/item/records`)).body.items as { id: string }[];
    expect((await call("DELETE", `/v1/tenants/${bad}/objects/item/records/${records[0]?.id ?? ""}`)).status).toBe(204);
    expect((await call("POST", `/v1/rollouts/${v2}/resume`)).status).toBe(202);
    expect(await until(v2, "completed")).toMatchObject({ counts: { ready: 50, failed: 0 }, runs: 2 });
    expect((await call("POST", `/v1/tenants/${bad}/objects/item/records`, { sku: "dup" })).status).toBe(409);

    // Killed in the pause after its first wave (a Workflow asleep in `step.sleep`), restarted on the same directory.
    const v3 = await start({ target: { bundle: item("3", true, "Stock item") }, tenants: { ids }, concurrency: 2, waves: [5, "100%"], pauseBetweenWavesMs: 3_000 });
    expect(await until(v3, "paused")).toMatchObject({ counts: { ready: 5, pending: 45 } });
    await dev.kill();
    restarted = await startWranglerDev({ vars: VARS, persistTo: dev.persistTo });
    current = restarted;
    expect(await until(v3, "completed", 120_000)).toMatchObject({ counts: { ready: 50, failed: 0, pending: 0 } });
    const members = (await call("GET", `/v1/rollouts/${v3}/tenants?limit=200`)).body.items as { tenantId: string; state: string; deploymentId: string }[];
    expect(members.map((m) => m.state)).toEqual(ids.map(() => "ready"));
    for (const m of members.slice(0, 50)) {
      const deployment = await call("GET", `/v1/tenants/${m.tenantId}/deployments/${m.deploymentId}`);
      expect(deployment.body).toMatchObject({ status: "ready", version: "3" });
    }
    const behind = (await call("GET", "/v1/tenants?behind=true&limit=200")).body.items as { id: string }[];
    expect(behind.filter((t) => ids.includes(t.id))).toEqual([]);
  }, 300_000);
});

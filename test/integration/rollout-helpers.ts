import { exports } from "cloudflare:workers";
import type { CreateRolloutInput, DeployManifestInput, Rollout, RolloutTenantPage } from "../../src/spec/index.ts";
import { admin, BASE } from "./helpers.ts";
import { call, jsonOf, register } from "./tenant-helpers.ts";
import { eventually } from "../eventually.ts";

/** Starts a rollout; the response as given. */
export function startRollout(body: CreateRolloutInput, idempotencyKey?: string): Promise<Response> {
  const headers: Record<string, string> = { ...admin(), "content-type": "application/json", ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}) };
  return exports.default.fetch(`${BASE}/v1/rollouts`, { method: "POST", headers, body: JSON.stringify(body) });
}

export async function rolloutOf(id: string): Promise<Rollout> {
  return jsonOf<Rollout>(await call("GET", `/v1/rollouts/${id}`));
}

/** Every tenant of a rollout, all pages. */
export async function tenantsOf(id: string, status?: string): Promise<RolloutTenantPage["items"]> {
  const out: RolloutTenantPage["items"] = [];
  for (let cursor: string | null = ""; cursor !== null; ) {
    const page: RolloutTenantPage = await jsonOf(await call("GET", `/v1/rollouts/${id}/tenants?limit=200${status ? `&status=${status}` : ""}${cursor ? `&cursor=${cursor}` : ""}`));
    out.push(...page.items);
    cursor = page.nextCursor;
  }
  return out;
}

/** Waits until the rollout reaches one of `statuses` (the Workflow runs in the background). */
export async function settledRollout(id: string, statuses: readonly string[], timeoutMs = 90_000): Promise<Rollout> {
  let rollout = await rolloutOf(id);
  await eventually(async () => {
    rollout = await rolloutOf(id);
    return statuses.includes(rollout.status) && rollout.counts.running === 0;
  }, timeoutMs, () => `rollout ${id} ${statuses.join("/")} (it is ${rollout.status}, ${JSON.stringify(rollout.counts)})`);
  return rollout;
}

/** `n` new tenants, created concurrently (8 at a time); their ids sorted as a rollout orders them. */
export async function tenants(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 8) ids.push(...(await Promise.all(Array.from({ length: Math.min(8, n - i) }, async () => (await register()).tenant.id))));
  return ids.sort();
}

/** An `item` object; `uniqueSku` makes its sku unique (a migration that fails over duplicates). */
export const itemBundle = (version: string, uniqueSku = false, extra: Record<string, unknown> = {}): DeployManifestInput => ({
  version, objects: [{ name: "item", label: "Item", fields: [{ name: "sku", type: "text", unique: uniqueSku }, { name: "qty", type: "integer" }], ...extra }],
});

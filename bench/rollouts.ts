import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import type { Rollout, RolloutTenantPage } from "../src/spec/index.ts";
import { compare } from "./method.ts";
import { findUserWorkerd } from "./realtime-workerd.ts";
import { benchClient, type BenchClient } from "./tenants-client.ts";

/**
 * `npm run bench rollouts`: a type-changing migration (price integer ↔ number, a table rebuild) of
 * `tenants` tenants with `rows` rows each in one object, at concurrency 10, on the common method
 * (alternated rounds straight to the user workerd, its CPU per tenant):
 * - ours: one `POST /v1/rollouts` over every tenant (default waves), watched until `completed`;
 * - baseline: a client loop calling each tenant's `POST …/deployments` at the same concurrency.
 * Each round, of either arm, flips the column's type, so every round migrates every tenant. Then
 * the halt: a rollout whose migration breaks on one tenant's data, and how long from that
 * tenant's failure to `halted`, and to the last in-flight tenant's finish.
 */
export async function benchRollouts(dev: WranglerDev, tenants = 1_000, rows = 1_000, rounds = 3, concurrency = 10): Promise<void> {
  const workerd = await findUserWorkerd(dev);
  const client = benchClient(workerd.url, dev.adminToken);
  const run = crypto.randomUUID().slice(0, 6);
  const ids = Array.from({ length: tenants }, (_, i) => `br-${run}-${String(i).padStart(4, "0")}`);
  const item = (price: "integer" | "number", uniqueTitle = false) => ({ name: "item", label: "Item", fields: [{ name: "title", type: "text", unique: uniqueTitle }, { name: "qty", type: "integer" }, { name: "price", type: price }] });
  const setup = performance.now();
  await pool(ids, concurrency, (id) => client.call("POST", "/v1/tenants", { id, name: id, plan: "enterprise" }));
  await watch(client, await start(client, { target: { bundle: { version: "v0", objects: [item("integer")] } }, tenants: { ids }, concurrency }), "completed");
  await pool(ids, concurrency, async (id) => {
    const seeded = await client.call<{ rows: number }>("POST", `/_bench/tenants/${id}/seed?object=item&n=${rows}`);
    if (seeded.rows !== rows) throw new Error(`${id}: seeded ${seeded.rows} rows, wanted ${rows}`);
  });
  console.log(`  setup: ${tenants} tenants provisioned, deployed and seeded with ${rows} rows each in ${((performance.now() - setup) / 1000).toFixed(1)} s`);

  let version = 0;
  const next = () => {
    version += 1;
    const to = version % 2 === 1 ? "number" : "integer";
    return { manifest: { version: `v${version}`, objects: [item(to)] }, allowDestructive: to === "integer" };
  };
  await compare({
    bench: "rollouts",
    label: `rollout of a type-changing migration: ${tenants} tenants × ${rows} rows, concurrency ${concurrency}`,
    unit: "tenant",
    pid: workerd.pid,
    rounds,
    ours: {
      name: "ours (POST /v1/rollouts over every tenant, watched until completed)",
      round: async () => {
        const bundle = next();
        const started = performance.now();
        const done = await watch(client, await start(client, { target: { bundle: bundle.manifest }, tenants: { ids }, concurrency, allowDestructive: bundle.allowDestructive }), "completed");
        if (done.counts.ready !== tenants) throw new Error(`rollout ended with ${JSON.stringify(done.counts)}`);
        return { units: tenants, latenciesMs: [performance.now() - started] };
      },
    },
    baseline: {
      name: `a client loop: POST …/deployments to each tenant, ${concurrency} at a time`,
      // Its latency is the whole round's, as ours is (a rollout is watched as a whole), so the p50 ratio compares like with like.
      round: async () => {
        const bundle = next();
        const started = performance.now();
        await pool(ids, concurrency, (id) => client.call("POST", `/v1/tenants/${id}/deployments`, bundle));
        return { units: tenants, latenciesMs: [performance.now() - started] };
      },
    },
  });
  await benchHalt(client, ids, item("integer", true), concurrency);
}

/** A rollout whose migration (a unique index) breaks on one tenant's duplicate: from its failure to `halted`, and to the last tenant in flight. */
async function benchHalt(client: BenchClient, ids: string[], unique: Record<string, unknown>, concurrency: number): Promise<void> {
  const bad = ids[Math.floor(ids.length / 2)] ?? "";
  for (let i = 0; i < 2; i++) await client.call("POST", `/v1/tenants/${bad}/objects/item/records`, { title: "duplicate", qty: 1, price: 1 });
  const started = performance.now();
  const id = await start(client, { target: { bundle: { version: "unique", objects: [unique] } }, tenants: { ids }, concurrency, allowDestructive: true });
  const halted = await watch(client, id, "halted");
  const seenHalted = performance.now();
  const failed = (await client.call<RolloutTenantPage>("GET", `/v1/rollouts/${id}/tenants?status=failed`)).items[0];
  const failedAt = Date.parse(failed?.finishedAt ?? "");
  const haltedAt = Date.parse(halted.haltedAt ?? "");
  const all = await client.call<RolloutTenantPage>("GET", `/v1/rollouts/${id}/tenants?limit=200&cursor=${Math.floor(ids.length / 2) - 100}`);
  const after = all.items.filter((t) => t.finishedAt !== null && Date.parse(t.finishedAt) > failedAt).length;
  console.log(`  halt: tenant ${failed?.tenantId ?? "?"} failed (${failed?.error?.code ?? "?"}: ${failed?.error?.sqliteError ?? ""}); halted ${haltedAt - failedAt} ms after its failure (the same call records both), ${after} tenants in flight finished after it (concurrency ${concurrency}), ${halted.counts.pending} never started; the client saw halted ${((seenHalted - started) / 1000).toFixed(2)} s after the start`);
  await client.call("POST", `/v1/rollouts/${id}/cancel`);
}

async function start(client: BenchClient, body: Record<string, unknown>): Promise<string> {
  return (await client.call<{ rolloutId: string }>("POST", "/v1/rollouts", body)).rolloutId;
}

/** Polls the rollout (every 100 ms) until it is `status` with nothing in flight. */
async function watch(client: BenchClient, id: string, status: string): Promise<Rollout> {
  for (;;) {
    const rollout = await client.call<Rollout>("GET", `/v1/rollouts/${id}`);
    if (rollout.status === status && rollout.counts.running === 0) return rollout;
    if (rollout.status !== "running" && rollout.status !== status) throw new Error(`rollout ${id} is ${rollout.status}: ${JSON.stringify(rollout.failures.slice(0, 3))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs `work` over `items`, `concurrency` at a time. */
async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

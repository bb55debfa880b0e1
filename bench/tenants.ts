import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { fmt, printRatio, summarize } from "./stats.ts";
import { benchClient } from "./tenants-client.ts";
import { benchDeploy50, benchMigration } from "./tenants-deploy.ts";
import { benchRecordInserts } from "./tenants-records.ts";

/**
 * `npm run bench tenants`: four measurements of the tenant databases, each against a raw baseline in
 * the same run, most of them in the same Durable Object (bench/worker/tenant-bench.ts):
 * 1. provisioning (POST /v1/tenants) of 100 tenants, one at a time, vs a fresh object's first RPC;
 * 2. deploy of a 50-object bundle vs its CREATE TABLE / CREATE INDEX statements run raw;
 * 3. a type-changing migration of 100,000 rows vs a plain INSERT … SELECT of the same rows;
 * 4. records inserted through the API vs raw SQL inserts into the same table.
 * Every time is the client's wall time through `wrangler dev`, for ours and the baseline alike.
 */
export async function benchTenants(dev: WranglerDev, tenants = 100): Promise<void> {
  const client = benchClient(dev);
  const run = crypto.randomUUID().slice(0, 6);
  const ids = Array.from({ length: tenants }, (_, i) => `bt-${run}-${i}`);
  const keys = new Map<string, string>();

  // 1. Provisioning, interleaved one for one with the baseline (alternating which goes first).
  const ours: number[] = [];
  const base: number[] = [];
  for (const [i, id] of ids.entries()) {
    const provision = async () => {
      const started = performance.now();
      const created = await client.call<{ apiKey: string }>("POST", "/v1/tenants", { id, name: `Bench ${i}`, plan: "enterprise" });
      ours.push(performance.now() - started);
      keys.set(id, created.apiKey);
    };
    const fresh = async () => void base.push(await client.time("POST", `/_bench/tenants/bt-${run}-fresh-${i}/ping`));
    if (i % 2 === 0) await provision().then(fresh);
    else await fresh().then(provision);
  }
  const [o, b] = [summarize(ours), summarize(base)];
  console.log(`provisioning, ours:     ${o.n} tenants (POST /v1/tenants → active, registry, first key, tenant.created), per tenant mean ${fmt(o.mean)} ms, p50 ${fmt(o.p50)} ms, p99 ${fmt(o.p99)} ms`);
  console.log(`provisioning, baseline: ${b.n} fresh TenantObjects' first RPC (constructor + base schema) through the same Worker, mean ${fmt(b.mean)} ms, p50 ${fmt(b.p50)} ms, p99 ${fmt(b.p99)} ms`);
  printRatio("provisioning mean", o.mean, b.mean, "ms");
  printRatio("provisioning p50", o.p50, b.p50, "ms");

  const key = (id: string): string => keys.get(id) ?? "";
  await benchDeploy50(client, ids.slice(0, 5), key);
  await benchMigration(client, ids[5] ?? "", key(ids[5] ?? ""));
  await benchRecordInserts(client, ids[6] ?? "", key(ids[6] ?? ""));
}

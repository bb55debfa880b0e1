import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";
import { compare } from "./method.ts";
import { findUserWorkerd } from "./realtime-workerd.ts";
import { benchClient, type BenchClient } from "./tenants-client.ts";
import { benchDeploy50, benchMigration } from "./tenants-deploy.ts";
import { benchRecordInserts } from "./tenants-records.ts";

/**
 * Provisioning and deploys publish events whose Queue delivery, consumer and acknowledgement run
 * after the request answered, within the consumer's 1 s batch timeout. Both arms' rounds end with
 * this wait, so that work is counted in the round that caused it, not in the next (the baseline's,
 * every other round). The wait also counts the runtime's idle work (timers, alarms) on both sides,
 * which pulls the ratio towards 1 where a round is short (a deploy round is one deployment), and it
 * makes the wall throughput of these two comparisons meaningless: their figure is the CPU.
 */
export const settle = (): Promise<void> => new Promise((done) => setTimeout(done, 1_500));

/** What every tenants comparison shares: the client straight to the user workerd, its pid, and a run-unique prefix. */
export interface TenantsBench {
  readonly client: BenchClient;
  readonly pid: number;
  readonly rounds: number;
  /** A tenant id unique to this run. */
  id(name: string): string;
  /** Provisions tenants (setup, not measured) and returns their API keys. */
  provision(ids: readonly string[]): Promise<Map<string, string>>;
}

/**
 * `npm run bench tenants`: four comparisons of the tenant databases on the common method
 * (bench/method.ts; alternated rounds straight to the user workerd, its CPU per unit), each
 * against a raw baseline in the same run, most in the same Durable Object (bench/worker/tenant-bench.ts):
 * 1. provisioning (POST /v1/tenants) vs a fresh object's first RPC, per tenant;
 * 2. deploying a 50-object bundle vs its CREATE TABLE / CREATE INDEX statements raw in one transaction, per deployment;
 * 3. a type-changing migration of 100,000 rows vs a plain INSERT … SELECT of the same rows, per row;
 * 4. records inserted through the API vs raw single-row inserts, one per request, per record.
 */
export async function benchTenants(dev: WranglerDev, rounds = 5): Promise<void> {
  const workerd = await findUserWorkerd(dev);
  const client = benchClient(workerd.url, dev.adminToken);
  const run = crypto.randomUUID().slice(0, 6);
  const bench: TenantsBench = {
    client,
    pid: workerd.pid,
    rounds,
    id: (name) => `bt-${run}-${name}`,
    async provision(ids) {
      const keys = new Map<string, string>();
      for (const id of ids) keys.set(id, (await client.call<{ apiKey: string }>("POST", "/v1/tenants", { id, name: id, plan: "enterprise" })).apiKey);
      return keys;
    },
  };
  await benchProvisioning(bench);
  await benchDeploy50(bench);
  await benchMigration(bench);
  await benchRecordInserts(bench);
}

/** Tenants provisioned one at a time (POST /v1/tenants → active: registry, base schema, first key, `tenant.created`) vs fresh objects' first RPC. */
async function benchProvisioning(bench: TenantsBench, perRound = 20): Promise<void> {
  const arm = (name: string, provision: (id: string, i: number) => Promise<unknown>, tag: string) => ({
    name,
    round: async (r: number) => {
      const latenciesMs: number[] = [];
      for (let i = 0; i < (r < 0 ? 3 : perRound); i++) {
        const started = performance.now();
        await provision(bench.id(`${tag}${r}-${i}`), i);
        latenciesMs.push(performance.now() - started);
      }
      await settle();
      return { units: latenciesMs.length, latenciesMs };
    },
  });
  await compare({
    bench: "tenants",
    label: `tenant provisioning: ${perRound} tenants per round, one at a time`,
    unit: "tenant",
    pid: bench.pid,
    rounds: bench.rounds,
    ours: arm("ours (POST /v1/tenants → active: registry, base schema, first key, tenant.created)", (id, i) => bench.client.call("POST", "/v1/tenants", { id, name: `Bench ${i}`, plan: "enterprise" }), "p"),
    baseline: arm("a fresh TenantObject's first RPC (constructor + base schema) through the same Worker", (id) => bench.client.call("POST", `/_bench/tenants/${id}/ping`), "f"),
  });
}

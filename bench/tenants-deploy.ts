import { fmt, printRatio, summarize } from "./stats.ts";
import { perSecond, type BenchClient } from "./tenants-client.ts";

interface Deployment { status: string; error: unknown; plan: { statements: unknown[] } | null; timings: Record<string, number> }

/** Fifty objects of eight fields each (two indexes, a reference to the previous object). */
function fiftyObjects(): Record<string, unknown>[] {
  return Array.from({ length: 50 }, (_, i) => ({
    name: `obj_${String(i).padStart(2, "0")}`,
    label: `Object ${i}`,
    fields: [
      { name: "title", type: "text", required: true, maxLength: 200 },
      { name: "status", type: "select", options: ["open", "done"], default: "open", indexed: true },
      { name: "code", type: "text", unique: true },
      { name: "amount", type: "number" },
      { name: "count", type: "integer" },
      { name: "done", type: "boolean" },
      { name: "note", type: "long_text" },
      ...(i > 0 ? [{ name: "parent", type: "reference", reference: `obj_${String(i - 1).padStart(2, "0")}` }] : []),
    ],
  }));
}

/** Deploys a bundle with the tenant's key and reads the deployment back; anything but `ready` throws. */
async function deploy(client: BenchClient, tenant: string, key: string, bundle: unknown): Promise<{ ms: number; deployment: Deployment }> {
  const started = performance.now();
  const { deploymentId } = await client.call<{ deploymentId: string }>("POST", `/v1/tenants/${tenant}/deployments`, bundle, key);
  const ms = performance.now() - started;
  const deployment = await client.call<Deployment>("GET", `/v1/tenants/${tenant}/deployments/${deploymentId}`, undefined, key);
  if (deployment.status !== "ready") throw new Error(`deployment ${deploymentId} is ${deployment.status}: ${JSON.stringify(deployment.error)}`);
  return { ms, deployment };
}

/**
 * A 50-object bundle deployed to each of `tenants` (fresh, one round each), against the same
 * CREATE TABLE / CREATE INDEX statements executed raw in one transaction in the same object
 * (as `raw_<name>` tables), the order alternating per round.
 */
export async function benchDeploy50(client: BenchClient, tenants: readonly string[], key: (id: string) => string): Promise<void> {
  const objects = fiftyObjects();
  const ours: number[] = [];
  const base: number[] = [];
  let statements = 0;
  for (const [i, tenant] of tenants.entries()) {
    const mine = async () => {
      const { ms, deployment } = await deploy(client, tenant, key(tenant), { manifest: { version: "1", objects } });
      ours.push(ms);
      statements = deployment.plan?.statements.length ?? 0;
    };
    const raw = async () => void base.push(await client.time("POST", `/_bench/tenants/${tenant}/raw-ddl`, objects));
    if (i % 2 === 0) await mine().then(raw);
    else await raw().then(mine);
  }
  const [o, b] = [summarize(ours), summarize(base)];
  console.log(`deploy 50 objects, ours:     ${o.n} deploys (validate → diff → plan → ${statements} statements + registration in one transaction), p50 ${fmt(o.p50)} ms, max ${fmt(o.max)} ms`);
  console.log(`deploy 50 objects, baseline: the same ${statements} CREATE statements raw in one transaction in the same object, p50 ${fmt(b.p50)} ms, max ${fmt(b.max)} ms`);
  printRatio("deploy 50 objects p50", o.p50, b.p50, "ms");
}

/**
 * A type-changing migration (integer ↔ number: a table rebuild with a CAST) of an object with
 * `rows` rows, through the real deploy pipeline, against a plain INSERT … SELECT * of the same rows
 * into a table of the same definition in the same object; three rounds, interleaved.
 */
export async function benchMigration(client: BenchClient, tenant: string, key: string, rows = 100_000, rounds = 3): Promise<void> {
  const item = (price: "integer" | "number") => ({ name: "item", label: "Item", fields: [{ name: "title", type: "text", required: true }, { name: "qty", type: "integer" }, { name: "price", type: price }] });
  await deploy(client, tenant, key, { manifest: { version: "v0", objects: [item("integer")] } });
  const seedStarted = performance.now();
  const seeded = await client.call<{ rows: number }>("POST", `/_bench/tenants/${tenant}/seed?object=item&n=${rows}`);
  if (seeded.rows !== rows) throw new Error(`seeded ${seeded.rows} rows, wanted ${rows}`);
  console.log(`migration: seeded ${seeded.rows} rows raw in ${fmt(performance.now() - seedStarted)} ms (setup)`);
  const ours: number[] = [];
  const inObject: number[] = [];
  const base: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    const copy = await client.call<{ rows: number }>("POST", `/_bench/tenants/${tenant}/copy?object=item`);
    base.push(perSecond(copy.rows, performance.now() - started));
    await client.call("POST", `/_bench/tenants/${tenant}/drop-copy`);
    const to = r % 2 === 0 ? "number" : "integer";
    const { ms, deployment } = await deploy(client, tenant, key, { manifest: { version: `v${r + 1}`, objects: [item(to)] }, allowDestructive: to === "integer" });
    ours.push(perSecond(rows, ms));
    inObject.push(deployment.timings.migratingMs ?? Number.NaN);
  }
  const usage = await client.call<{ records: Record<string, number> }>("GET", `/v1/tenants/${tenant}/usage`, undefined, key);
  if (usage.records.item !== rows) throw new Error(`after the migrations item has ${usage.records.item} rows, wanted ${rows}`);
  const [o, b] = [summarize(ours), summarize(base)];
  console.log(`migration, ours:     ${rounds} rebuilds of ${rows} rows (price integer ↔ number) through POST …/deployments, p50 ${fmt(o.p50, 0)} rows/s (deployment timings.migratingMs inside the object: ${inObject.map((m) => fmt(m, 0)).join(", ")}); ${usage.records.item} rows after`);
  console.log(`migration, baseline: ${rounds} plain INSERT … SELECT * of the same ${rows} rows into a new table of the same definition in the same object, p50 ${fmt(b.p50, 0)} rows/s`);
  printRatio("migration p50", o.p50, b.p50, "rows/s");
}

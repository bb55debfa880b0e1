import { compare } from "./method.ts";
import { settle, type TenantsBench } from "./tenants.ts";

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

/** Deploys a bundle with the tenant's key; returns the client's milliseconds and a check to run after the round's CPU is taken. */
async function deploy(bench: TenantsBench, tenant: string, key: string, bundle: unknown): Promise<{ ms: number; check: () => Promise<Deployment> }> {
  const started = performance.now();
  const { deploymentId } = await bench.client.call<{ deploymentId: string }>("POST", `/v1/tenants/${tenant}/deployments`, bundle, key);
  const ms = performance.now() - started;
  const check = async () => {
    const deployment = await bench.client.call<Deployment>("GET", `/v1/tenants/${tenant}/deployments/${deploymentId}`, undefined, key);
    if (deployment.status !== "ready") throw new Error(`deployment ${deploymentId} is ${deployment.status}: ${JSON.stringify(deployment.error)}`);
    return deployment;
  };
  return { ms, check };
}

/**
 * A 50-object bundle deployed to a fresh tenant per round, against the same CREATE TABLE / CREATE
 * INDEX statements executed raw in one transaction in another fresh tenant's object (as `raw_<name>`
 * tables). The unit is one deployment of the whole bundle.
 */
export async function benchDeploy50(bench: TenantsBench): Promise<void> {
  const objects = fiftyObjects();
  // A fresh tenant per round: the warm-up (-1), the rounds, and a profiled round (`--profile`).
  const names = (side: string) => Array.from({ length: bench.rounds + 2 }, (_, r) => bench.id(`d${side}${r}`));
  const keys = await bench.provision([...names("o"), ...names("b")]);
  const tenant = (side: string, r: number) => bench.id(`d${side}${r + 1}`);
  let statements = 0;
  await compare({
    bench: "tenants",
    label: "deploy of a 50-object bundle: to a fresh tenant (validate → diff → plan → statements + registration in one transaction)",
    unit: "deployment",
    pid: bench.pid,
    rounds: bench.rounds,
    ours: {
      name: "ours (POST /v1/tenants/{id}/deployments)",
      round: async (r) => {
        const { ms, check } = await deploy(bench, tenant("o", r), keys.get(tenant("o", r)) ?? "", { manifest: { version: "1", objects } });
        await settle();
        const latenciesMs = async () => {
          statements = (await check()).plan?.statements.length ?? 0;
          return [ms];
        };
        return { units: 1, latenciesMs };
      },
    },
    baseline: {
      name: "the same CREATE statements raw in one transaction in a fresh tenant's object",
      round: async (r) => {
        const latenciesMs = [await bench.client.time("POST", `/_bench/tenants/${tenant("b", r)}/raw-ddl`, objects)];
        await settle();
        return { units: 1, latenciesMs };
      },
    },
  });
  console.log(`  the bundle planned ${statements} statements`);
}

/**
 * A type-changing migration (integer ↔ number: a table rebuild with a CAST) of an object with
 * `rows` rows through the real deploy pipeline, against a plain INSERT … SELECT * of the same rows
 * into a table of the same definition in the same object (dropping the previous copy first, as the
 * rebuild drops the old table). The unit is a row.
 */
export async function benchMigration(bench: TenantsBench, rows = 100_000): Promise<void> {
  const tenant = bench.id("mig");
  const key = (await bench.provision([tenant])).get(tenant) ?? "";
  const item = (price: "integer" | "number") => ({ name: "item", label: "Item", fields: [{ name: "title", type: "text", required: true }, { name: "qty", type: "integer" }, { name: "price", type: price }] });
  await (await deploy(bench, tenant, key, { manifest: { version: "v0", objects: [item("integer")] } })).check();
  const seeded = await bench.client.call<{ rows: number }>("POST", `/_bench/tenants/${tenant}/seed?object=item&n=${rows}`);
  if (seeded.rows !== rows) throw new Error(`seeded ${seeded.rows} rows, wanted ${rows}`);
  let version = 0;
  const inObject: number[] = [];
  await compare({
    bench: "tenants",
    label: `type-changing migration: ${rows.toLocaleString("en")} rows (price integer ↔ number, a table rebuild)`,
    unit: "row",
    pid: bench.pid,
    rounds: bench.rounds,
    ours: {
      name: "ours (POST …/deployments, the rebuild in the pipeline's transaction)",
      round: async () => {
        version += 1;
        const to = version % 2 === 1 ? "number" : "integer";
        const { ms, check } = await deploy(bench, tenant, key, { manifest: { version: `v${version}`, objects: [item(to)] }, allowDestructive: to === "integer" });
        const latenciesMs = async () => {
          inObject.push((await check()).timings.migratingMs ?? Number.NaN);
          return [ms];
        };
        return { units: rows, latenciesMs };
      },
    },
    baseline: {
      name: "INSERT … SELECT * into a table of the same definition, in one transaction in the same object",
      round: async () => {
        const started = performance.now();
        const copy = await bench.client.call<{ rows: number }>("POST", `/_bench/tenants/${tenant}/copy?object=item`);
        if (copy.rows !== rows) throw new Error(`copied ${copy.rows} rows, wanted ${rows}`);
        return { units: rows, latenciesMs: [performance.now() - started] };
      },
    },
  });
  const usage = await bench.client.call<{ records: Record<string, number> }>("GET", `/v1/tenants/${tenant}/usage`, undefined, key);
  if (usage.records.item !== rows) throw new Error(`after the migrations item has ${usage.records.item} rows, wanted ${rows}`);
  console.log(`  timings.migratingMs inside the object: ${inObject.map((m) => m.toFixed(0)).join(", ")} ms; ${usage.records.item} rows after`);
}

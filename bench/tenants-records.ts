import { compare } from "./method.ts";
import { timed } from "./stats.ts";
import type { TenantsBench } from "./tenants.ts";

/**
 * Records inserted through the API (POST …/objects/entry/records with the tenant's key: key check,
 * schema validation, quota count, INSERT, read-back) against raw single-row SQL INSERTs into the
 * same table of the same object, one per request through the same Worker, at the same concurrency.
 * The unit is a record.
 */
export async function benchRecordInserts(bench: TenantsBench, perRound = 500, concurrency = 16): Promise<void> {
  const tenant = bench.id("rec");
  const key = (await bench.provision([tenant])).get(tenant) ?? "";
  const T = `/v1/tenants/${tenant}`;
  const manifest = { version: "1", objects: [{ name: "entry", label: "Entry", fields: [{ name: "title", type: "text", required: true, maxLength: 200 }, { name: "n", type: "integer" }, { name: "done", type: "boolean" }] }] };
  await bench.client.call("POST", `${T}/deployments`, { manifest }, key);
  const values = (i: number) => ({ title: `entry ${i}`, n: i, done: i % 2 === 0 });
  let inserted = 0;
  const arm = (name: string, insert: (i: number) => Promise<unknown>) => ({
    name,
    round: async (r: number) => {
      const n = r < 0 ? 100 : perRound;
      inserted += n;
      return { units: n, latenciesMs: await timed(n, concurrency, async (i) => void (await insert(i))) };
    },
  });
  await compare({
    bench: "tenants",
    label: `records through the API: ${perRound} per round, concurrency ${concurrency}`,
    unit: "record",
    pid: bench.pid,
    rounds: bench.rounds,
    ours: arm("ours (POST …/records with the tenant's key)", (i) => bench.client.call("POST", `${T}/objects/entry/records`, values(i), key)),
    baseline: arm("a raw single-row INSERT into the same table, one per request through the same Worker", (i) => bench.client.call("POST", `/_bench/tenants/${tenant}/raw-inserts?object=entry&n=1`, values(i))),
  });
  const usage = await bench.client.call<{ records: Record<string, number> }>("GET", `${T}/usage`, undefined, key);
  if (usage.records.entry !== inserted) throw new Error(`entry has ${usage.records.entry} rows, wanted ${inserted}`);
}

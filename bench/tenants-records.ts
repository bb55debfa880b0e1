import { fmt, printRatio } from "./stats.ts";
import { perSecond, type BenchClient } from "./tenants-client.ts";

/**
 * Records inserted through the API (POST …/objects/entry/records with the tenant's key: key check,
 * schema validation, quota count, INSERT, read-back) against raw SQL INSERTs into the same table of
 * the same object: one per request through the same Worker at the same concurrency (interleaved
 * rounds), and `perRound × rounds` in a single RPC (the object's own limit).
 */
export async function benchRecordInserts(client: BenchClient, tenant: string, key: string, rounds = 4, perRound = 500, concurrency = 16): Promise<void> {
  const T = `/v1/tenants/${tenant}`;
  const manifest = { version: "1", objects: [{ name: "entry", label: "Entry", fields: [{ name: "title", type: "text", required: true, maxLength: 200 }, { name: "n", type: "integer" }, { name: "done", type: "boolean" }] }] };
  await client.call("POST", `${T}/deployments`, { manifest }, key);
  const values = (i: number) => ({ title: `entry ${i}`, n: i, done: i % 2 === 0 });
  const burst = async (task: (i: number) => Promise<unknown>): Promise<number> => {
    let next = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < perRound) await task(next++);
    }));
    return performance.now() - started;
  };
  let [apiMs, rawMs] = [0, 0];
  for (let r = 0; r < rounds; r++) {
    const api = () => burst((i) => client.call("POST", `${T}/objects/entry/records`, values(i), key));
    const raw = () => burst((i) => client.call("POST", `/_bench/tenants/${tenant}/raw-inserts?object=entry&n=1`, values(i)));
    if (r % 2 === 0) [apiMs, rawMs] = [apiMs + (await api()), rawMs + (await raw())];
    else [rawMs, apiMs] = [rawMs + (await raw()), apiMs + (await api())];
  }
  const total = rounds * perRound;
  const loopStarted = performance.now();
  await client.call("POST", `/_bench/tenants/${tenant}/raw-inserts?object=entry&n=${total}`, values(0));
  const loopMs = performance.now() - loopStarted;
  const usage = await client.call<{ records: Record<string, number> }>("GET", `${T}/usage`, undefined, key);
  if (usage.records.entry !== 3 * total) throw new Error(`entry has ${usage.records.entry} rows, wanted ${3 * total}`);
  const [ours, perRequest, loop] = [perSecond(total, apiMs), perSecond(total, rawMs), perSecond(total, loopMs)];
  console.log(`records, ours:      ${total} POST …/records (tenant key, concurrency ${concurrency}), ${fmt(ours)} records/s`);
  console.log(`records, baseline:  ${total} raw single-row INSERTs into the same table, one per request through the same Worker (admin, concurrency ${concurrency}), ${fmt(perRequest)} rows/s`);
  console.log(`records, raw limit: ${total} raw single-row INSERTs in one RPC to the same object, ${fmt(loop)} rows/s; ${usage.records.entry} rows in entry after`);
  printRatio("records vs raw per request", ours, perRequest, "per s");
  printRatio("records vs raw in one RPC", ours, loop, "per s");
}

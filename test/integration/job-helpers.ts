import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { JOB_SHARDS, shardOfJobId } from "../../src/jobs/job-id.ts";
import { shardOf } from "../../src/shards/index.ts";
import type { JobDetail, SubmittedJob } from "../../src/spec/index.ts";
import { admin, BASE } from "./helpers.ts";
export { eventually as until } from "../eventually.ts";

/** Calls the jobs API. */
export function jobsApi(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  return exports.default.fetch(`${BASE}/v1/jobs${path}`, {
    method: init.method ?? "GET",
    headers: admin({ "content-type": "application/json", ...init.headers }),
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

export async function submit(body: unknown, headers: Record<string, string> = {}): Promise<SubmittedJob> {
  const res = await jobsApi("", { method: "POST", body, headers });
  if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
  return res.json<SubmittedJob>();
}

export const view = async (id: string) => (await jobsApi(`/${id}`)).json<JobDetail>();

/** The stub of job shard `shard`. */
export const jobShardStub = (shard: number) => env.SHARDS.get(env.SHARDS.idFromName(`Jobs/${shard}`));
export const stubOfJob = (id: string) => jobShardStub(shardOfJobId(id) ?? -1);

/** Runs SQL in job shard `shard`. */
export function shardRows<T extends Record<string, SqlStorageValue>>(shard: number, query: string, ...params: SqlStorageValue[]): Promise<T[]> {
  return runInDurableObject(jobShardStub(shard), (_i, state) => state.storage.sql.exec<T>(query, ...params).toArray());
}

export type StoredJob = { id: string; status: string; attempts: number; max_attempts: number; run_at: number; lease_until: number | null; started_at: number | null; updated_at: number; last_error: string | null; result: string | null };

/** The stored row of a job. */
export async function jobRow(id: string): Promise<StoredJob | undefined> {
  const [row] = await shardRows<StoredJob>(shardOfJobId(id) ?? -1, "SELECT id, status, attempts, max_attempts, run_at, lease_until, started_at, updated_at, last_error, result FROM jobs WHERE id = ?", id);
  return row;
}

/** The alarm of job shard `shard`. */
export const shardAlarm = (shard: number) => runInDurableObject(jobShardStub(shard), (_i, state) => state.storage.getAlarm());

/** Total job rows over every job shard matching `where`. */
export async function countJobs(where = "1 = 1", ...params: SqlStorageValue[]): Promise<number> {
  const counts = await Promise.all(Array.from({ length: JOB_SHARDS }, (_, s) => shardRows<{ n: number }>(s, `SELECT COUNT(*) AS n FROM jobs WHERE ${where}`, ...params)));
  return counts.reduce((sum, [row]) => sum + (row?.n ?? 0), 0);
}

/** A fresh key whose job shard is `shard`. */
export function keyForShard(shard: number, prefix = "k"): string {
  for (;;) {
    const key = `${prefix}-${crypto.randomUUID()}`;
    if (shardOf(key, JOB_SHARDS) === shard) return key;
  }
}


import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cluster } from "../fixtures/worker.ts";
import { actionJobs } from "../../src/jobs/actions.ts";
import { jobEventKey } from "../../src/jobs/subscription.ts";
import type { TaskRun } from "../../src/spec/index.ts";
import { admin, BASE } from "./helpers.ts";
import { countJobs, shardRows, until } from "./job-helpers.ts";
import { dueAt, singletonStub, taskApi, uniqueName } from "./singleton-helpers.ts";
import { JOB_SHARDS } from "../../src/jobs/job-id.ts";
import { shardOf } from "../../src/shards/index.ts";

type Found = { id: string; status: string; result: string | null };
async function byIdempotencyKey(key: string): Promise<Found[]> {
  const all = await Promise.all(Array.from({ length: JOB_SHARDS }, (_, s) => shardRows<Found>(s, "SELECT id, status, result FROM jobs WHERE idempotency_key = ?", key)));
  return all.flat();
}

describe("the job action of scheduled tasks", () => {
  it("submits one job per tick, with the tick id as its idempotency key", async () => {
    const name = uniqueName("jobs");
    const put = await taskApi(name, "/echo", { method: "PUT", body: { schedule: { every: "1h" }, action: { type: "job", job: "demo.echo", input: { message: "tick" } } } });
    expect(put.status).toBe(201);
    await dueAt(name, "echo", Date.now() - 1);
    await runDurableObjectAlarm(singletonStub(name));
    const [run] = (await (await taskApi(name, "/echo/runs")).json<{ runs: TaskRun[] }>()).runs;
    expect(run?.status).toBe("succeeded");
    const tickId = run?.tickId ?? "";
    await until(async () => (await byIdempotencyKey(tickId))[0]?.status === "completed");
    // The same tick again (a retry, a re-run) finds the job its first run submitted.
    const again = (await actionJobs(env, cluster.app.jobs).submit({ type: "demo.echo", input: { message: "tick" } }, tickId)) as { duplicate: boolean };
    expect(again.duplicate).toBe(true);
    expect(await byIdempotencyKey(tickId)).toHaveLength(1);
    const [job] = await byIdempotencyKey(tickId);
    expect(JSON.parse(job?.result ?? "null")).toMatchObject({ echo: "tick", idempotencyKey: tickId });
  });
});

describe("emit-triggered job subscriptions", () => {
  it("submits one job per event, with the event id as its idempotency key", async () => {
    const before = await countJobs("type = 'demo.echo'");
    const publish = () => exports.default.fetch(`${BASE}/v1/events`, { method: "POST", headers: admin({ "content-type": "application/json", "idempotency-key": "evt-job-1" }), body: JSON.stringify({ type: "demo.job-requested", payload: { message: "from an event" } }) });
    expect((await publish()).status).toBe(202);
    const key = jobEventKey("evt-job-1");
    await until(async () => (await shardRows<Found>(shardOf(key, JOB_SHARDS), "SELECT id, status, result FROM jobs WHERE idempotency_key = ?", key))[0]?.status === "completed", 20_000);
    expect((await publish()).status).toBe(202); // a repeat of the event is a duplicate: still one job
    expect(await byIdempotencyKey(key)).toHaveLength(1);
    expect(await countJobs("type = 'demo.echo'")).toBe(before + 1);
  });
});

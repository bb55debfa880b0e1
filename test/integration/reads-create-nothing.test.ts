import { listDurableObjectIds } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DIRECTORY_OBJECT } from "../../src/singleton/directory.ts";
import { api } from "./event-helpers.ts";
import { fund } from "./saga-helpers.ts";
import { counterTask } from "./singleton-helpers.ts";
import { activeTenant, freshTenant } from "./webhook-helpers.ts";

type Namespace = DurableObjectNamespace<Rpc.DurableObjectBranded | undefined>;
const ids = async (namespace: Namespace) => (await listDurableObjectIds(namespace)).map((id) => id.toString()).sort();
const everyId = async () => ({ shards: await ids(env.SHARDS), singletons: await ids(env.SINGLETONS), tenants: await ids(env.TENANTS), gateways: await ids(env.GATEWAYS) });
const hex = (n: number) => Array.from({ length: n }, (_, i) => "0123456789abcdef"[(i * 7 + n) % 16]).join("");

async function expect404(method: string, path: string, body?: unknown): Promise<void> {
  const res = await api(path, { method, ...(body === undefined ? {} : { body }) });
  expect(res.status, `${method} ${path}`).toBe(404);
  expect(res.headers.get("content-type"), `${method} ${path}`).toContain("application/problem+json");
  expect(await res.json(), `${method} ${path}`).toMatchObject({ code: "not_found" });
}

describe("a read of something unknown answers 404 and creates no object", () => {
  it("singletons, tasks, jobs, sagas, dead letters, stuck streams, tenants and webhooks", async () => {
    // The directory and one tenant exist, as they do in any cluster that has stored anything.
    expect((await api("/v1/singletons/warm/tasks/t1", { method: "PUT", body: counterTask("c1") })).status).toBe(201);
    const tenant = await activeTenant();
    const before = await everyId();
    expect(before.singletons).toContain(env.SINGLETONS.idFromName(DIRECTORY_OBJECT).toString());

    const S = "/v1/singletons/neverMade/tasks";
    for (const [method, path] of [["GET", S], ["GET", `${S}/t1`], ["GET", `${S}/t1/runs`], ["DELETE", `${S}/t1`], ["POST", `${S}/t1/pause`], ["POST", `${S}/t1/resume`], ["POST", `${S}/t1/trigger`]] as const) {
      await expect404(method, path);
    }
    await expect404("GET", "/v1/singletons/warm/tasks/nope");
    for (let shard = 0; shard < 16; shard++) {
      const id = `j${shard}_${hex(32)}`;
      await expect404("GET", `/v1/jobs/${id}`);
      await expect404("DELETE", `/v1/jobs/${id}`);
      await expect404("POST", `/v1/jobs/${id}/retry`);
    }
    for (const instance of ["s-unknown-1", "s-unknown-2", "another-instance"]) {
      await expect404("GET", `/v1/sagas/transfer/${instance}`);
      await expect404("POST", `/v1/sagas/transfer/${instance}/cancel`);
    }
    await expect404("POST", "/v1/events/dead/dl_1/replay");
    await expect404("DELETE", "/v1/events/dead/dl_1");
    await expect404("POST", "/v1/events/streams/nope/skip", {});
    for (const user of ["never-connected", "another-user"]) await expect404("GET", `/v1/users/${user}/connections`);
    const other = freshTenant();
    for (const [method, path] of [["GET", `/v1/tenants/${other}`], ["GET", `/v1/tenants/${other}/webhooks`], ["GET", `/v1/tenants/${other}/webhooks/wh_1`], ["GET", `/v1/tenants/${tenant}/webhooks/wh_1`], ["GET", `/v1/tenants/${tenant}/webhooks/wh_1/deliveries`]] as const) {
      await expect404(method, path);
    }
    for (const key of ["never-sent", "another", "k%2Fslash"]) await expect404("GET", `/v1/entities/Counter/${key}/_state`);
    // Lists of things that were never created are empty, and create nothing either.
    expect(await (await api("/v1/jobs")).json()).toStrictEqual({ items: [], nextCursor: null });
    expect(await (await api("/v1/jobs/stats")).json()).toStrictEqual({ byStatus: { pending: 0, running: 0, failed: 0, completed: 0, dead: 0, cancelled: 0 } });
    expect(await (await api("/v1/sagas")).json()).toStrictEqual({ items: [], nextCursor: null });
    expect(await (await api("/v1/realtime/gateways")).json()).toStrictEqual({ gateways: [] });
    expect(await (await api("/v1/events/dead")).json()).toMatchObject({ items: [] });
    expect(await (await api("/v1/events/streams")).json()).toStrictEqual({ items: [] });

    expect(await everyId()).toStrictEqual(before);
  });

  it("what a write creates, the next read finds", async () => {
    const task = await api("/v1/singletons/madeNow/tasks/t1", { method: "PUT", body: counterTask("c1") });
    expect(task.status).toBe(201);
    expect((await api("/v1/singletons/madeNow/tasks/t1")).status).toBe(200);
    expect((await api("/v1/singletons/madeNow/tasks")).status).toBe(200);

    expect((await api("/v1/entities/Counter/made-now/increment", { method: "POST", body: { by: 2 } })).status).toBe(200);
    expect(await (await api("/v1/entities/Counter/made-now/_state")).json()).toMatchObject({ state: { value: 2 }, version: 1 });

    const submitted = await api("/v1/jobs", { method: "POST", body: { type: "demo.echo", input: { message: "hi" }, delayMs: 3_600_000 } });
    expect(submitted.status).toBe(202);
    const { id: jobId } = await submitted.json<{ id: string }>();
    expect((await api(`/v1/jobs/${jobId}`)).status).toBe(200);
    expect((await (await api("/v1/jobs")).json<{ items: { id: string }[] }>()).items.map((j) => j.id)).toContain(jobId);

    await fund("ra", 5);
    const saga = await api("/v1/sagas/transfer", { method: "POST", headers: { "idempotency-key": "read-after-write-1" }, body: { input: { from: "ra", to: "rb", amount: 1, currency: "EUR" } } });
    expect(saga.status).toBe(202);
    expect((await api("/v1/sagas/transfer/read-after-write-1")).status).toBe(200);
  });
});

import { env, exports } from "cloudflare:workers";
import { testCluster } from "durable-cluster/testing";
import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, RETRY_SCHEDULE_SECONDS } from "../../../src/webhooks/schedule.ts";
import "../../../templates/app/src/index.ts";

/**
 * On the scaffolded app (one task an hour, so days of virtual time fire few alarms): a webhook
 * delivery to a receiver that never answers runs through its whole retry schedule, three days
 * and more, in a few seconds of waiting.
 */
const t = testCluster(env);
const api = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
  const headers = { authorization: `Bearer ${env.ADMIN_TOKEN}`, "content-type": "application/json" };
  const res = await exports.default.fetch(`https://app.test${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: await res.json<T>() };
};

describe("a webhook's retry schedule on the virtual clock", () => {
  it("attempts a delivery on its schedule over days, then marks it dead", async () => {
    expect((await api("POST", "/v1/tenants", { id: "kit-hooks", name: "Kit", plan: "free" })).status).toBe(201);
    const endpoint = await api<{ id: string }>("POST", "/v1/tenants/kit-hooks/webhooks", { url: "https://receiver.invalid/hooks", events: ["metadata.changed"] });
    expect(endpoint.status).toBe(201);
    const deploy = await api("POST", "/v1/tenants/kit-hooks/deployments", { manifest: { version: "1", objects: [{ name: "item", label: "Item", fields: [{ name: "sku", type: "text" }] }] } });
    expect(deploy.status).toBe(202);
    type Delivery = { status: string; attempts: { at: string }[] };
    const deliveries = async () => (await api<{ items: Delivery[] }>("GET", `/v1/tenants/kit-hooks/webhooks/${endpoint.body.id}/deliveries?limit=1`)).body.items;
    await t.settled({ timeoutMs: 20_000 });
    expect((await deliveries())[0]).toMatchObject({ status: "pending", attempts: [expect.anything()] });
    await t.clock.advance("4 days");
    const [dead] = await deliveries();
    expect(dead?.status).toBe("dead");
    expect(dead?.attempts).toHaveLength(MAX_ATTEMPTS);
    const at = (dead?.attempts ?? []).map((a) => Date.parse(a.at)).sort((a, b) => a - b);
    // Each wait is the schedule's, within its jitter, on the clock's time.
    for (let i = 1; i < at.length; i++) expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual(0.5 * 1000 * (RETRY_SCHEDULE_SECONDS[i] ?? 0));
  }, 60_000);
});

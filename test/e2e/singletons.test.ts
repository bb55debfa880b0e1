import { describe, expect, inject, it } from "vitest";

const base = inject("baseUrl");
const headers = { Authorization: `Bearer ${inject("adminToken")}`, "content-type": "application/json" };

describe("a scheduled task under a real wrangler dev", () => {
  it("fires an every-2s task 5±1 times in ~10 s, each tick applied once", async () => {
    const singleton = `e2e-${Date.now()}`;
    const key = `cron-${singleton}`;
    const put = await fetch(`${base}/v1/singletons/${singleton}/tasks/every2s`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ schedule: { every: "2s" }, action: { type: "entity", entityType: "Counter", key, message: "increment", input: { by: 1 } } }),
    });
    expect(put.status).toBe(201);
    await new Promise((r) => setTimeout(r, 10_500));
    await fetch(`${base}/v1/singletons/${singleton}/tasks/every2s/pause`, { method: "POST", headers });
    const { runs } = (await (await fetch(`${base}/v1/singletons/${singleton}/tasks/every2s/runs`, { headers })).json()) as { runs: { tickId: string; status: string }[] };
    const succeeded = runs.filter((r) => r.status === "succeeded");
    expect(succeeded.length).toBeGreaterThanOrEqual(4);
    expect(succeeded.length).toBeLessThanOrEqual(6);
    expect(new Set(succeeded.map((r) => r.tickId)).size).toBe(succeeded.length);
    const { value } = (await (await fetch(`${base}/v1/entities/Counter/${key}/get`, { method: "POST", headers, body: "{}" })).json()) as { value: number };
    expect(value).toBe(succeeded.length);
  });
});

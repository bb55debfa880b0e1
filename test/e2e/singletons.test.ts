import { describe, expect, inject, it } from "vitest";

const base = inject("baseUrl");
const headers = { Authorization: `Bearer ${inject("adminToken")}`, "content-type": "application/json" };

describe("a scheduled task under a real wrangler dev", () => {
  it("fires an every-2s task 5±1 times in ~10 s (run or, when late, skipped), each tick applied once", async () => {
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
    // A tick still running when the task was paused finishes first; a tick the alarm reached late
    // on a loaded machine is skipped (catch-up `skip`) and counted in missedTicks.
    type Runs = { runs: { tickId: string; status: string }[] };
    let runs: Runs["runs"] = [];
    for (let i = 0; i < 50; i++) {
      runs = ((await (await fetch(`${base}/v1/singletons/${singleton}/tasks/every2s/runs`, { headers })).json()) as Runs).runs;
      if (!runs.some((r) => r.status === "running" || r.status === "retrying")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const { missedTicks } = (await (await fetch(`${base}/v1/singletons/${singleton}/tasks/every2s`, { headers })).json()) as { missedTicks: number };
    const succeeded = runs.filter((r) => r.status === "succeeded");
    expect(succeeded.length + missedTicks).toBeGreaterThanOrEqual(4);
    expect(succeeded.length + missedTicks).toBeLessThanOrEqual(6);
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    expect(new Set(succeeded.map((r) => r.tickId)).size).toBe(succeeded.length);
    const { value } = (await (await fetch(`${base}/v1/entities/Counter/${key}/get`, { method: "POST", headers, body: "{}" })).json()) as { value: number };
    expect(value).toBe(succeeded.length);
  });
});

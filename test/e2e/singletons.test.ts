import { describe, expect, inject, it } from "vitest";
import { eventually } from "../eventually.ts";

const base = inject("baseUrl");
const headers = { Authorization: `Bearer ${inject("adminToken")}`, "content-type": "application/json" };

describe("a scheduled task under a real wrangler dev", () => {
  it("fires an every-1s task on the runtime's own alarms, each tick applied once", async () => {
    // How many ticks a window holds is asserted exactly on the virtual clock (integration, testing-kit);
    // here the real alarm chain must fire, re-arm and fire again.
    const singleton = `e2e-${Date.now()}`;
    const key = `cron-${singleton}`;
    const task = `${base}/v1/singletons/${singleton}/tasks/every1s`;
    const put = await fetch(task, {
      method: "PUT",
      headers,
      body: JSON.stringify({ schedule: { every: "1s" }, action: { type: "entity", entityType: "Counter", key, message: "increment", input: { by: 1 } } }),
    });
    expect(put.status).toBe(201);
    type Run = { tickId: string; status: string };
    const runs = async () => ((await (await fetch(`${task}/runs`, { headers })).json()) as { runs: Run[] }).runs;
    await eventually(async () => (await runs()).filter((r) => r.status === "succeeded").length >= 2, 30_000, "two succeeded ticks");
    expect((await fetch(`${task}/pause`, { method: "POST", headers })).status).toBe(200);
    // A tick still running when the task was paused finishes first.
    await eventually(async () => !(await runs()).some((r) => r.status === "running" || r.status === "retrying"), 30_000, "no tick running");
    const succeeded = (await runs()).filter((r) => r.status === "succeeded");
    expect(new Set(succeeded.map((r) => r.tickId)).size).toBe(succeeded.length);
    const { value } = (await (await fetch(`${base}/v1/entities/Counter/${key}/get`, { method: "POST", headers, body: "{}" })).json()) as { value: number };
    expect(value).toBe(succeeded.length);
  });
});

import { describe, expect, inject, it } from "vitest";
import { eventually } from "../eventually.ts";

const base = inject("baseUrl");
const headers = { Authorization: `Bearer ${inject("adminToken")}`, "content-type": "application/json" };
const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
const get = async <T>(path: string): Promise<T> => (await (await fetch(`${base}${path}`, { headers })).json()) as T;
const entity = async <T>(type: string, key: string): Promise<T> => (await (await post(`/v1/entities/${type}/${key}/get`, {})).json()) as T;

describe("domain events under a real wrangler dev", () => {
  it("delivers a handler's events to an exactly-once subscriber, in emit order", async () => {
    const key = `e2e-ev-${Date.now()}`;
    for (const by of [1, 2, 3, 4, 5]) await post(`/v1/entities/Counter/${key}/increment`, { by });
    await eventually(async () => (await entity<{ increments: number }>("CounterStats", key)).increments === 5);
    expect((await entity<{ values: number[] }>("CounterStats", key)).values).toEqual([1, 3, 6, 10, 15]);
  });

  it("dead-letters an event whose subscriber keeps failing, with its error, and replays it once", async () => {
    const pk = `e2e-dlq-${Date.now()}`;
    await post(`/v1/entities/PingLog/${pk}/block`, { n: 1 });
    expect((await post("/v1/events", { type: "demo.ping", payload: { n: 1 }, partitionKey: pk })).status).toBe(202);
    let dead: { id: string; attempts: number; error: { message: string } } | undefined;
    await eventually(async () => {
      const { items } = await get<{ items: { id: string; attempts: number; error: { message: string }; event: { partitionKey?: string } }[] }>("/v1/events/dead?subscription=ping-log&limit=200");
      dead = items.find((d) => d.event.partitionKey === pk);
      return dead !== undefined;
    });
    expect(dead).toMatchObject({ attempts: 6, error: { message: "ping 1 is blocked" } });
    await post(`/v1/entities/PingLog/${pk}/unblock`, { n: 1 });
    expect((await post(`/v1/events/dead/${dead?.id ?? ""}/replay`, {})).status).toBe(202);
    await eventually(async () => (await entity<{ applied: number }>("PingLog", pk)).applied === 1);
    // A later event of the partition is the signal: a second delivery of 1 would come before it.
    await post("/v1/events", { type: "demo.ping", payload: { n: 2 }, partitionKey: pk });
    await eventually(async () => (await entity<{ applied: number }>("PingLog", pk)).applied >= 2);
    expect((await entity<{ applied: number; ns: number[] }>("PingLog", pk)).ns).toEqual([1, 2]);
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventMessage } from "../../src/spec/index.ts";
import { rows, send } from "./entity-helpers.ts";
import { api, eventually, ping, pingLog } from "./event-helpers.ts";

interface Dead { id: string; event: { partitionKey?: string } }

/** Replays every dead letter of `partitionKey` (a subscriber failed six times in a row) until `done`. */
async function settle(partitionKey: string, done: () => Promise<boolean>, timeoutMs = 120_000): Promise<number> {
  let replayed = 0;
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error("events did not settle");
    const { items } = await (await api("/v1/events/dead?subscription=ping-log&limit=200")).json<{ items: Dead[] }>();
    for (const dead of items.filter((d) => d.event.partitionKey === partitionKey)) {
      if ((await api(`/v1/events/dead/${dead.id}/replay`, { method: "POST" })).status === 202) replayed++;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return replayed;
}

describe("events under faults, through the real local Queue", () => {
  it("applies 1,000 events exactly once when the subscriber fails 30% of the time and the Queue delivers some twice", async () => {
    const pk = `faults-${crypto.randomUUID()}`;
    const events: EventMessage[] = Array.from({ length: 1000 }, (_, i) => ping(i, { partitionKey: pk, payload: { n: i, failRate: 0.3 } }));
    const duplicates = events.filter((_, i) => i % 10 === 0);
    const all = [...events, ...duplicates];
    for (let i = 0; i < all.length; i += 100) await env.EVENTS.sendBatch(all.slice(i, i + 100).map((body) => ({ body, contentType: "json" as const })));
    await settle(pk, async () => (await pingLog(pk)).applied >= 1000);
    await new Promise((r) => setTimeout(r, 2_000)); // late duplicates and retries have every chance to double-apply
    const log = await pingLog(pk);
    expect(log.applied).toBe(1000);
    expect(new Set(log.ns).size).toBe(1000);
    const { items } = await (await api("/v1/events/dead?subscription=ping-log&limit=200")).json<{ items: Dead[] }>();
    expect(items.filter((d) => d.event.partitionKey === pk)).toEqual([]);
    expect(await rows("PingLog", pk, "SELECT seq FROM order_held WHERE entity_key = ?", pk)).toEqual([]);
  }, 180_000);

  it("applies 200 events of one partition key in emit order, with no gap, despite random failures", async () => {
    const pk = `ordered-${crypto.randomUUID()}`;
    for (let n = 1; n <= 200; n++) {
      const res = await api("/v1/events", { method: "POST", body: { type: "demo.ping", payload: { n, failRate: 0.3 }, partitionKey: pk } });
      expect(res.status).toBe(202);
    }
    await settle(pk, async () => (await pingLog(pk)).applied >= 200);
    expect((await pingLog(pk)).ns).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(await rows("PingLog", pk, "SELECT seq FROM order_held WHERE entity_key = ?", pk)).toEqual([]);
  }, 180_000);

  it("dead-letters exhausted retries with their error; replay delivers them once", async () => {
    const pk = `dlq-${crypto.randomUUID()}`;
    await send("PingLog", pk, "block", { n: 13 });
    await api("/v1/events", { method: "POST", body: { type: "demo.ping", payload: { n: 13 }, partitionKey: pk } });
    let dead: (Dead & { attempts: number; error: { message: string } }) | undefined;
    await eventually(async () => {
      const { items } = await (await api("/v1/events/dead?subscription=ping-log&limit=200")).json<{ items: (Dead & { attempts: number; error: { message: string } })[] }>();
      dead = items.find((d) => d.event.partitionKey === pk);
      return dead !== undefined;
    }, 60_000);
    expect(dead).toMatchObject({ attempts: 6, error: { message: "ping 13 is blocked" } });
    await send("PingLog", pk, "unblock", { n: 13 });
    expect((await api(`/v1/events/dead/${dead?.id ?? ""}/replay`, { method: "POST" })).status).toBe(202);
    await eventually(async () => (await pingLog(pk)).applied === 1);
    // A later event of the partition is the signal: a second delivery of 13 would come before it.
    await api("/v1/events", { method: "POST", body: { type: "demo.ping", payload: { n: 14 }, partitionKey: pk } });
    await eventually(async () => (await pingLog(pk)).applied >= 2);
    expect(await pingLog(pk)).toMatchObject({ applied: 2, ns: [13, 14] });
  }, 90_000);
});

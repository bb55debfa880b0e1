import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Inventory } from "../../examples/demo/inventory.ts";
import { Order, OrderMachine } from "../../examples/demo/order.ts";
import { rows, send, shardStub } from "./entity-helpers.ts";
import { fresh, router } from "./saga-helpers.ts";

type OrderEvent = Parameters<typeof OrderMachine.transition>[1];
const EVENTS: OrderEvent[] = [{ type: "pay", amount: 5 }, { type: "ship" }, { type: "cancel", reason: "r" }];
const stored = async (key: string) => (await rows<{ version: number; state: string }>("Order", key, "SELECT version, state FROM entities WHERE entity_key = ?", key))[0] ?? null;

async function into(key: string, path: OrderEvent[]): Promise<void> {
  for (const event of path) await router.to(Order).request(key, "send", event);
}

describe("an entity whose state is a machine", () => {
  const paths: Record<string, OrderEvent[]> = { pending: [], paid: [EVENTS[0] as OrderEvent], shipped: [EVENTS[0] as OrderEvent, EVENTS[1] as OrderEvent], cancelled: [EVENTS[2] as OrderEvent] };

  it.each(Object.keys(paths))("refuses every invalid event in state %s with 409 invalid_transition, writing nothing", async (state) => {
    const key = fresh(`ord-${state}`);
    await into(key, paths[state] ?? []);
    const before = await stored(key);
    for (const event of EVENTS.filter((e) => !OrderMachine.can({ state, amount: 5, reason: "r" } as Parameters<typeof OrderMachine.can>[0], e))) {
      const res = await send("Order", key, "send", event);
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ code: "invalid_transition", state, event: event.type });
    }
    expect(await stored(key)).toEqual(before);
  });

  it("persists version, state and event for each transition, with the history queryable", async () => {
    const key = fresh("ord");
    await into(key, [{ type: "pay", amount: 9 }, { type: "ship" }]);
    await evictDurableObject(shardStub("Order", key));
    const got = await router.to(Order).request(key, "get", {});
    expect(got).toMatchObject({ version: 2, state: { state: "shipped", amount: 9 } });
    expect(got.history.map((t) => [t.version, t.from, t.to, t.event.type])).toEqual([[1, "pending", "paid", "pay"], [2, "paid", "shipped", "ship"]]);
    expect((await stored(key))?.version).toBe(2);
  });

  it("ends in the same state with random evictions as without (property, fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...EVENTS), fc.boolean()), { maxLength: 8 }), async (steps) => {
        const [calm, evicted] = [fresh("calm"), fresh("evict")];
        for (const [event, evict] of steps) {
          const [a, b] = await Promise.allSettled([router.to(Order).request(calm, "send", event), router.to(Order).request(evicted, "send", event)]);
          expect(a.status).toBe(b.status);
          if (evict) await evictDurableObject(shardStub("Order", evicted));
        }
        const [x, y] = await Promise.all([router.to(Order).request(calm, "get", {}), router.to(Order).request(evicted, "get", {})]);
        expect({ version: y.version, state: y.state, history: y.history.map((t) => [t.version, t.from, t.to, t.event]) }).toEqual({ version: x.version, state: x.state, history: x.history.map((t) => [t.version, t.from, t.to, t.event]) });
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

describe("versioned entity state", () => {
  it("loads a row written by v1 code under v2 and writes it back as v2", async () => {
    const sku = fresh("sku");
    await router.to(Inventory).request(sku, "get", {});
    await router.to(Inventory).request(sku, "reserve", { qty: 1 });
    const stub = shardStub("Inventory", sku, 16);
    await runInDurableObject(stub, (_o, state) => void state.storage.sql.exec("UPDATE entities SET state = ? WHERE entity_key = ?", JSON.stringify({ stock: 990, reserved: 10 }), sku));
    expect(await router.to(Inventory).request(sku, "reserve", { qty: 5 })).toEqual({ stock: 985, reserved: 15, reservations: 1, releases: 0 });
    const json = await runInDurableObject(stub, (_o, state) => state.storage.sql.exec<{ state: string }>("SELECT state FROM entities WHERE entity_key = ?", sku).one().state);
    expect(JSON.parse(json)).toMatchObject({ v: 2, stock: 985 });
  });
});

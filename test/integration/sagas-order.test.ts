import { evictDurableObject, introspectWorkflow, introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Inventory } from "../../examples/demo/inventory.ts";
import { Order } from "../../examples/demo/order.ts";
import { shardStub } from "./entity-helpers.ts";
import { api, balance, fresh, fund, record, router, runToEnd, start } from "./saga-helpers.ts";
import { eventually } from "../eventually.ts";

const stock = (sku: string) => router.to(Inventory).request(sku, "get", {});
const order = (id: string) => router.to(Order).request(id, "get", {});
/** The shard object that owns `key`, with the entity's own shard count. */
const ownerOf = (type: string, key: string) => shardStub(type, key, router.locate(type, key).target.numShards);

function orderInput(extra: Record<string, unknown> = {}) {
  return { orderId: fresh("o"), sku: fresh("sku"), qty: 2, customer: fresh("c"), amount: 50, ...extra };
}

describe("the order saga", () => {
  it("reserves, charges and ships: the Order goes pending → paid → shipped", async () => {
    const input = orderInput();
    await fund(input.customer, 80);
    const { record: rec } = await runToEnd("order", input);
    expect(rec.status).toBe("completed");
    expect(await balance(input.customer)).toBe(30);
    expect(await stock(input.sku)).toMatchObject({ stock: 998, reservations: 1, releases: 0 });
    const o = await order(input.orderId);
    expect(o.state).toEqual({ state: "shipped", amount: 50 });
    expect(o.history.map((t) => `${t.from}>${t.to}`)).toEqual(["pending>paid", "paid>shipped"]);
  });

  it("when shipping fails for good, compensates charge then reserve, once each", async () => {
    const input = orderInput({ fail: { step: "ship", mode: "fatal" } });
    await fund(input.customer, 80);
    const { record: rec } = await runToEnd("order", input);
    expect(rec).toMatchObject({ status: "compensated", cause: { step: "ship" }, compensationCause: null });
    const [reserve, charge, ship] = rec.steps;
    expect([reserve?.status, charge?.status, ship?.status]).toEqual(["compensated", "compensated", "failed"]);
    expect([reserve?.compensationAttempts, charge?.compensationAttempts]).toEqual([1, 1]);
    expect(charge?.compensatedAt).toBeLessThanOrEqual(reserve?.compensatedAt ?? 0);
    // Effects, counted: one refund, one release, one cancel.
    expect(await balance(input.customer)).toBe(80);
    expect(await stock(input.sku)).toMatchObject({ stock: 1000, reservations: 1, releases: 1 });
    expect((await order(input.orderId)).history.map((t) => t.to)).toEqual(["paid", "cancelled"]);
  });

  it("a compensation that crashes after its effect is retried without repeating it, and none is skipped", async () => {
    const input = orderInput({ fail: { step: "ship", mode: "fatal" }, failCompensation: { step: "charge", mode: "after-effect", times: 2 } });
    await fund(input.customer, 80);
    const { record: rec } = await runToEnd("order", input);
    expect(rec.status).toBe("compensated");
    expect(rec.steps.map((s) => s.compensationAttempts)).toEqual([1, 3, 0]);
    expect(await balance(input.customer)).toBe(80);
    expect(await stock(input.sku)).toMatchObject({ reservations: 1, releases: 1 });
    expect((await order(input.orderId)).history.map((t) => t.to)).toEqual(["paid", "cancelled"]);
  });

  it("entities evicted in the middle of compensation: each compensation applied once, none skipped", async () => {
    // The charge compensation refunds and cancels, then holds 1.5 s and crashes (attempt 1 only).
    const input = orderInput({ fail: { step: "ship", mode: "fatal" }, failCompensation: { step: "charge", mode: "after-effect", times: 1, holdMs: 1_500 } });
    await fund(input.customer, 80);
    const id = fresh("evict");
    await using instance = await introspectWorkflowInstance(env.SAGAS, id);
    await instance.modify(async (m) => await m.disableRetryDelays());
    await start("order", input, id);
    await eventually(async () => (await order(input.orderId)).state.state === "cancelled");
    // Mid-compensation: charge's effect applied, its attempt not finished, reserve's not begun.
    const mid = await record("order", id);
    expect(mid.status).toBe("compensating");
    expect(mid.steps.map((s) => [s.status, s.compensationAttempts])).toEqual([["completed", 0], ["compensating", 1], ["failed", 0]]);
    expect(await stock(input.sku)).toMatchObject({ releases: 0 });
    // Every object the compensations act on loses its memory (evict rejects if an object is not running).
    for (const [type, key] of [["Account", input.customer], ["Order", input.orderId], ["Inventory", input.sku], ["SagaLog", id]] as const) await evictDurableObject(ownerOf(type, key));
    await instance.waitForStatus("complete");
    const rec = await record("order", id);
    expect(rec).toMatchObject({ status: "compensated", cause: { step: "ship" }, compensationCause: null });
    expect(rec.steps.map((s) => [s.status, s.compensationAttempts])).toEqual([["compensated", 1], ["compensated", 2], ["failed", 0]]);
    // Counted effects: one refund, one cancel (the retry met evicted objects and was deduplicated), one release.
    expect(await balance(input.customer)).toBe(80);
    expect(await stock(input.sku)).toMatchObject({ stock: 1000, reservations: 1, releases: 1 });
    expect((await order(input.orderId)).history.map((t) => t.to)).toEqual(["paid", "cancelled"]);
  });

  it("a compensation failing for good ends compensation_failed, keeping both causes", async () => {
    const input = orderInput({ fail: { step: "ship", mode: "fatal" }, failCompensation: { step: "reserve", mode: "permanent" } });
    await fund(input.customer, 80);
    const { output, record: rec } = await runToEnd("order", input);
    expect(output).toMatchObject({ status: "compensation_failed", cause: { step: "ship" }, compensationCause: { step: "reserve" } });
    expect(rec.status).toBe("compensation_failed");
    expect(rec.cause?.message).toContain("ship failed");
    expect(rec.compensationCause?.message).toContain("compensation of reserve failed");
    expect(rec.steps.map((s) => [s.status, s.compensationAttempts])).toEqual([["compensation_failed", 3], ["compensated", 1], ["failed", 0]]);
    expect(await balance(input.customer)).toBe(80);
    expect(await stock(input.sku)).toMatchObject({ reservations: 1, releases: 0 });
  });

  it("retries a transiently failing step and completes, counting attempts", async () => {
    const input = orderInput({ fail: { step: "charge", mode: "transient", times: 2 } });
    await fund(input.customer, 80);
    const { record: rec } = await runToEnd("order", input);
    expect(rec.status).toBe("completed");
    expect(rec.steps.map((s) => s.attempts)).toEqual([1, 3, 1]);
    expect(await balance(input.customer)).toBe(30);
  });

  it("cancel stops the saga at its next attempt and compensates what completed", async () => {
    const input = orderInput({ fail: { step: "ship", mode: "transient", times: 2 } });
    await fund(input.customer, 80);
    const id = fresh("cancel");
    await using instance = await introspectWorkflowInstance(env.SAGAS, id);
    await start("order", input, id);
    await eventually(async () => ((await record("order", id)).steps[2]?.attempts ?? 0) >= 1);
    const res = await api("POST", `/v1/sagas/order/${id}/cancel`);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ cancelRequested: true });
    await instance.waitForStatus("complete");
    const rec = await record("order", id);
    expect(rec).toMatchObject({ status: "compensated", cause: { code: "cancelled", step: "ship" } });
    expect(await balance(input.customer)).toBe(80);
    expect(await stock(input.sku)).toMatchObject({ reservations: 1, releases: 1 });
  });
});

describe("many transfers at once", () => {
  it("conserves the sum of balances over 100 concurrent transfers with random injected failures, none negative", { timeout: 120_000 }, async () => {
    const accounts = Array.from({ length: 10 }, () => fresh("acct"));
    for (const a of accounts) await fund(a, 100);
    await using sagas = await introspectWorkflow(env.SAGAS);
    await sagas.modifyAll(async (m) => {
      await m.disableSleeps();
      await m.disableRetryDelays();
    });
    const pick = () => accounts[Math.floor(Math.random() * accounts.length)] ?? "";
    const began = Date.now();
    const ids = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        let to = pick();
        const from = pick();
        while (to === from) to = pick();
        const id = `many-${i}-${crypto.randomUUID().slice(0, 6)}`;
        await start("transfer", { from, to, amount: 1 + Math.floor(Math.random() * 60), currency: "EUR", failDeposit: Math.random() < 0.3 }, id);
        return id;
      }),
    );
    await Promise.all((await sagas.get()).map((i) => i.waitForStatus("complete")));
    console.log(`100 concurrent transfer sagas finished in ${Date.now() - began} ms`);
    const balances = await Promise.all(accounts.map(balance));
    expect(balances.reduce((a, b) => a + b, 0)).toBe(1_000);
    expect(balances.every((b) => b >= 0)).toBe(true);
    const statuses = await Promise.all(ids.map(async (id) => (await record("transfer", id)).status));
    expect(statuses.every((s) => s === "completed" || s === "compensated")).toBe(true);
    expect(statuses.filter((s) => s === "compensated").length).toBeGreaterThan(0);
  });
});

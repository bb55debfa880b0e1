import { describe, expect, inject, it } from "vitest";
import { eventually } from "../eventually.ts";

const base = inject("baseUrl");
const headers = { Authorization: `Bearer ${inject("adminToken")}`, "content-type": "application/json" };
const post = (path: string, body?: unknown, extra: Record<string, string> = {}) => fetch(`${base}${path}`, { method: "POST", headers: { ...headers, ...extra }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
const uid = (p: string) => `${p}-${crypto.randomUUID().slice(0, 8)}`;
type Step = { name: string; status: string; attempts: number; compensationAttempts: number };
type Saga = { status: string; steps: Step[]; cause: { step?: string; code?: string; message: string } | null; compensationCause: { step?: string; message: string } | null };

const saga = async (name: string, id: string): Promise<Saga> => (await (await fetch(`${base}/v1/sagas/${name}/${id}`, { headers })).json()) as Saga;
const entity = async (type: string, key: string, message: string, body: unknown = {}) => (await post(`/v1/entities/${type}/${key}/${message}`, body)).json() as Promise<Record<string, unknown>>;

async function start(name: string, input: unknown, id = uid(name)): Promise<string> {
  const res = await post(`/v1/sagas/${name}`, { input }, { "idempotency-key": id });
  expect(res.status).toBe(202);
  expect(await res.json()).toEqual({ instanceId: id, duplicate: false });
  return id;
}

async function finished(name: string, id: string, timeoutMs = 45_000): Promise<Saga> {
  let s = await saga(name, id);
  await eventually(async () => {
    s = await saga(name, id);
    return ["completed", "compensated", "compensation_failed"].includes(s.status);
  }, timeoutMs, `saga ${id} finished`);
  return s;
}

describe("sagas under a real wrangler dev", () => {
  it("runs a transfer to completion and moves the money once", async () => {
    const [a, b] = [uid("a"), uid("b")];
    await entity("Account", a, "deposit", { amount: 100 });
    const id = await start("transfer", { from: a, to: b, amount: 30, currency: "EUR" });
    expect((await finished("transfer", id)).steps.map((s) => [s.name, s.status])).toEqual([["withdraw", "completed"], ["deposit", "completed"]]);
    expect([(await entity("Account", a, "balance")).balance, (await entity("Account", b, "balance")).balance]).toEqual([70, 30]);
    const again = await post("/v1/sagas/transfer", { input: { from: a, to: b, amount: 30, currency: "EUR" } }, { "idempotency-key": id });
    expect(await again.json()).toEqual({ instanceId: id, duplicate: true });
  });

  it("compensates the withdrawal when the deposit fails", async () => {
    const [a, b] = [uid("a"), uid("b")];
    await entity("Account", a, "deposit", { amount: 100 });
    const id = await start("transfer", { from: a, to: b, amount: 30, currency: "EUR", failDeposit: true });
    const s = await finished("transfer", id);
    expect(s).toMatchObject({ status: "compensated", cause: { step: "deposit" } });
    expect((await entity("Account", a, "balance")).balance).toBe(100);
  });

  it("runs the order saga's compensations in reverse, once each, and keeps both causes when one fails", async () => {
    const base = { sku: uid("sku"), qty: 1, customer: uid("c"), amount: 10 };
    await entity("Account", base.customer, "deposit", { amount: 100 });
    const ok = await finished("order", await start("order", { ...base, orderId: uid("o"), fail: { step: "ship", mode: "fatal" } }));
    expect(ok.steps.map((s) => [s.status, s.compensationAttempts])).toEqual([["compensated", 1], ["compensated", 1], ["failed", 0]]);
    const bad = await finished("order", await start("order", { ...base, orderId: uid("o"), fail: { step: "ship", mode: "fatal" }, failCompensation: { step: "reserve", mode: "permanent" } }));
    expect(bad).toMatchObject({ status: "compensation_failed", cause: { step: "ship" }, compensationCause: { step: "reserve" } });
    expect((await entity("Account", base.customer, "balance")).balance).toBe(100);
    expect(await entity("Inventory", base.sku, "get")).toMatchObject({ reservations: 2, releases: 1 });
  });

  it("refuses an invalid Order transition with 409 naming state and event", async () => {
    const key = uid("o");
    const res = await post(`/v1/entities/Order/${key}/send`, { type: "ship" });
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({ code: "invalid_transition", state: "pending", event: "ship" });
  });

  it("answers 400 problem+json for bad input and 404 for an unknown saga", async () => {
    const res = await post("/v1/sagas/transfer", { input: { from: "x" } });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect((await post("/v1/sagas/nope", { input: {} })).status).toBe(404);
  });
});

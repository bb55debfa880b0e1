import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, balance, fresh, fund, record, runToEnd } from "./saga-helpers.ts";

describe("the transfer saga", () => {
  it("moves the money once and records every step completed", async () => {
    const [a, b] = [fresh("a"), fresh("b")];
    await fund(a, 100);
    const { output, record: rec } = await runToEnd("transfer", { from: a, to: b, amount: 30, currency: "EUR" });
    expect(output).toMatchObject({ status: "completed" });
    expect([await balance(a), await balance(b)]).toEqual([70, 30]);
    expect(rec).toMatchObject({ saga: "transfer", status: "completed", cause: null, compensationCause: null });
    expect(rec.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([["withdraw", "completed", 1], ["deposit", "completed", 1]]);
    expect(rec.steps[0]?.startedAt).toBeTypeOf("number");
    expect(rec.finishedAt).toBeGreaterThanOrEqual(rec.createdAt);
  });

  it("compensates the withdrawal when the deposit fails for good", async () => {
    const [a, b] = [fresh("a"), fresh("b")];
    await fund(a, 100);
    const { record: rec } = await runToEnd("transfer", { from: a, to: b, amount: 40, currency: "EUR", failDeposit: true });
    expect([await balance(a), await balance(b)]).toEqual([100, 0]);
    expect(rec.status).toBe("compensated");
    expect(rec.cause).toMatchObject({ step: "deposit" });
    expect(rec.cause?.message).toContain("injected");
    expect(rec.steps.map((s) => [s.name, s.status, s.attempts, s.compensationAttempts])).toEqual([["withdraw", "compensated", 1, 1], ["deposit", "failed", 1, 0]]);
  });

  it("refuses an overdraft at once, with nothing to compensate", async () => {
    const [a, b] = [fresh("a"), fresh("b")];
    await fund(a, 10);
    const { record: rec } = await runToEnd("transfer", { from: a, to: b, amount: 40, currency: "EUR" });
    expect(rec).toMatchObject({ status: "compensated", cause: { code: "insufficient_funds", status: 409, step: "withdraw" } });
    expect(rec.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([["withdraw", "failed", 1], ["deposit", "skipped", 0]]);
    expect(await balance(a)).toBe(10);
  });

  it("answers a repeated Idempotency-Key with the first instance", async () => {
    const [a, b] = [fresh("a"), fresh("b")];
    await fund(a, 100);
    const { id } = await runToEnd("transfer", { from: a, to: b, amount: 5, currency: "EUR" });
    const again = await api("POST", "/v1/sagas/transfer", { input: { from: a, to: b, amount: 5, currency: "EUR" } }, { "idempotency-key": id });
    expect(again.status).toBe(202);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.json()).toEqual({ instanceId: id, duplicate: true });
    expect(await balance(b)).toBe(5);
  });

  it("refuses bad input with 400 and paths under input, starting nothing", async () => {
    const key = fresh("bad");
    const res = await api("POST", "/v1/sagas/transfer", { input: { from: "a", amount: -1 } }, { "idempotency-key": key });
    expect(res.status).toBe(400);
    const body = await res.json<{ errors: { path: string }[] }>();
    expect(body.errors.map((e) => e.path)).toEqual(expect.arrayContaining(["input.to", "input.amount"]));
    expect((await api("GET", `/v1/sagas/transfer/${key}`)).status).toBe(404);
    expect((await api("POST", "/v1/sagas/nope", { input: {} })).status).toBe(404);
  });

  it("shows a started saga at once and refuses to cancel a finished one with 409", async () => {
    const [a, b] = [fresh("a"), fresh("b")];
    await fund(a, 100);
    const { id } = await runToEnd("transfer", { from: a, to: b, amount: 1, currency: "EUR" });
    const res = await api("POST", `/v1/sagas/transfer/${id}/cancel`);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "invalid_transition", state: "completed", event: "cancel" });
    expect((await record("transfer", id)).status).toBe("completed");
  });

  it("completes a saga whose input v1 code stored, under the v2 definition", async () => {
    const [a, b, id] = [fresh("a"), fresh("b"), fresh("v1")];
    await fund(a, 100);
    await using instance = await introspectWorkflowInstance(env.SAGAS, id);
    // Exactly what the first release wrote as the Workflow's params: a v1 input, no `v`.
    await env.SAGAS.create({ id, params: { saga: "transfer", input: { from: a, to: b, amount: 25 } } });
    await instance.waitForStatus("complete");
    expect(await instance.getOutput()).toMatchObject({ status: "completed" });
    expect([await balance(a), await balance(b)]).toEqual([75, 25]);
    const { record: rec } = await runToEnd("transfer", { from: b, to: a, amount: 5 });
    expect(rec.status).toBe("completed");
  });
});

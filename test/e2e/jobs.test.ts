import { describe, expect, inject, it } from "vitest";
import { eventually } from "../eventually.ts";

const base = inject("baseUrl");
const headers = { Authorization: `Bearer ${inject("adminToken")}`, "content-type": "application/json" };
const post = (path: string, body: unknown, extra: Record<string, string> = {}) => fetch(`${base}${path}`, { method: "POST", headers: { ...headers, ...extra }, body: JSON.stringify(body) });
type Job = { id: string; status: string; attempts: number; result?: unknown; lastError: string | null; createdAt: string; runAt: string; startedAt: string | null };
const job = async (id: string): Promise<Job> => (await (await fetch(`${base}/v1/jobs/${id}`, { headers })).json()) as Job;
const submit = async (body: unknown, extra: Record<string, string> = {}): Promise<{ id: string; status: string; duplicate: boolean }> => {
  const res = await post("/v1/jobs", body, extra);
  expect(res.status).toBe(202);
  return (await res.json()) as { id: string; status: string; duplicate: boolean };
};

describe("jobs under a real wrangler dev", () => {
  it("runs a submitted job at once and shows its result", async () => {
    const { id, status } = await submit({ type: "demo.echo", input: { message: "e2e" } });
    expect(["running", "completed"]).toContain(status);
    await eventually(async () => (await job(id)).status === "completed");
    expect(await job(id)).toMatchObject({ attempts: 1, result: { echo: "e2e", attempt: 1 }, lastError: null });
  });

  it("starts a delayed job when it is due, not before", async () => {
    const sentAt = Date.now();
    const { id, status } = await submit({ type: "demo.echo", input: { message: "later" }, delayMs: 1_500 });
    const answeredAt = Date.now();
    expect(status).toBe("pending");
    await eventually(async () => (await job(id)).status === "completed");
    const done = await job(id);
    // runAt is fixed when the Worker takes the submit: 1.5 s after a moment between sending and the answer (same host clock).
    expect(Date.parse(done.runAt)).toBeGreaterThanOrEqual(sentAt + 1_500);
    expect(Date.parse(done.runAt)).toBeLessThanOrEqual(answeredAt + 1_500);
    expect(Date.parse(done.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(done.runAt));
  });

  it("retries to dead, lists the dead job, and retries it from dead", async () => {
    const { id } = await submit({ type: "demo.flaky", input: { failures: 2 }, maxAttempts: 2 });
    await eventually(async () => (await job(id)).status === "dead");
    const dead = (await (await fetch(`${base}/v1/jobs?status=dead&type=demo.flaky&limit=200`, { headers })).json()) as { items: Job[] };
    expect(dead.items.map((j) => j.id)).toContain(id);
    expect((await post(`/v1/jobs/${id}/retry`, {})).status).toBe(202);
    await eventually(async () => (await job(id)).status === "completed");
    expect((await job(id)).attempts).toBe(3);
  });

  it("returns the same job for a repeated Idempotency-Key, and cancels a pending job", async () => {
    const key = `e2e-${Date.now()}`;
    const first = await submit({ type: "demo.echo", input: { message: "x" }, delayMs: 60_000 }, { "idempotency-key": key });
    const again = await submit({ type: "demo.echo", input: { message: "x" }, delayMs: 60_000 }, { "idempotency-key": key });
    expect(again).toEqual({ id: first.id, status: "pending", duplicate: true });
    const cancelled = await fetch(`${base}/v1/jobs/${first.id}`, { method: "DELETE", headers });
    expect(cancelled.status).toBe(200);
    expect((await job(first.id)).status).toBe("cancelled");
  });

  it("refuses an unknown job type with 400 problem+json", async () => {
    const res = await post("/v1/jobs", { type: "nope.never", input: {} });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});

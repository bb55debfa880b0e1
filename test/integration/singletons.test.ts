import { evictDurableObject, listDurableObjectIds, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SingletonObject } from "../../src/objects/index.ts";
import { ProblemSchema, type TaskRun, type TaskView } from "../../src/spec/index.ts";
import { rows, send } from "./entity-helpers.ts";
import { counterTask, dueAt, singletonRows, singletonStub, taskApi, uniqueName } from "./singleton-helpers.ts";

const H = 3_600_000;
const value = async (key: string) => (await (await send("Counter", key, "get")).json<{ value: number }>()).value;
const runsOf = async (name: string, task: string) => (await (await taskApi(name, `/${task}/runs`)).json<{ runs: TaskRun[] }>()).runs;

describe("tasks over HTTP", () => {
  it("creates a task (201), shows its next run, and treats the same PUT again as a no-op (200)", async () => {
    const name = uniqueName("ops");
    const created = await taskApi(name, "/t1", { method: "PUT", body: counterTask("c1") });
    expect(created.status).toBe(201);
    const task = await created.json<TaskView>();
    expect(task).toMatchObject({ id: "t1", singleton: name, source: "http", catchUp: "skip", maxAttempts: 3, paused: false, missedTicks: 0 });
    expect(Date.parse(task.nextRunAt ?? "")).toBeGreaterThan(Date.now() + H - 60_000);
    const again = await taskApi(name, "/t1", { method: "PUT", body: counterTask("c1") });
    expect(again.status).toBe(200);
    expect((await again.json<TaskView>()).nextRunAt).toBe(task.nextRunAt);
  });

  it("leaves one task after 50 concurrent identical PUTs", async () => {
    const name = uniqueName("ops");
    const puts = await Promise.all(Array.from({ length: 50 }, () => taskApi(name, "/same", { method: "PUT", body: counterTask("c2") })));
    expect(puts.filter((r) => r.status === 201)).toHaveLength(1);
    expect(puts.filter((r) => r.status === 200)).toHaveLength(49);
    expect(await singletonRows(name, "SELECT COUNT(*) AS n FROM tasks WHERE source = 'http'")).toEqual([{ n: 1 }]);
  });

  it.each([
    ["a bad cron expression", { schedule: { cron: "99 * * * *" } }, 400, "schedule.cron"],
    ["an unknown timezone", { schedule: { cron: "0 9 * * *", tz: "Atlantis/Capital" } }, 400, "schedule.tz"],
    ["a past at", { schedule: { at: "2001-01-01T00:00:00Z" } }, 400, "schedule.at"],
    ["an unknown entity type", { action: { type: "entity", entityType: "Nope", key: "k", message: "go" } }, 400, "action.entityType"],
    ["invalid entity input", { action: { type: "entity", entityType: "Counter", key: "k", message: "increment", input: { by: "x" } } }, 400, "action.input.by"],
    ["a private http URL", { action: { type: "http", url: "http://127.0.0.1:9/x", method: "POST" } }, 400, "action.url"],
    ["a metadata URL", { action: { type: "http", url: "https://169.254.169.254/latest", method: "GET" } }, 400, "action.url"],
    ["an unknown event type", { action: { type: "event", event: "nope.never" } }, 400, "action.event"],
    ["an invalid event payload", { action: { type: "event", event: "demo.ping", payload: { n: "one" } } }, 400, "action.payload.n"],
    ["an unknown job type", { action: { type: "job", job: "resize" } }, 400, "action.job"],
    ["invalid job input", { action: { type: "job", job: "demo.echo", input: { message: 1 } } }, 400, "action.input.message"],
    ["an unknown field", { surprise: true }, 400, ""],
  ])("refuses %s and stores nothing", async (_label, patch, status, path) => {
    const name = uniqueName("bad");
    const res = await taskApi(name, "/t", { method: "PUT", body: { ...counterTask("c"), ...patch } });
    expect(res.status).toBe(status);
    const problem = ProblemSchema.parse(await res.json());
    if (path !== undefined) expect(problem.errors?.map((e) => e.path)).toContain(path);
    // Nothing was created: the singleton is unknown, and its object does not exist.
    expect((await taskApi(name, "")).status).toBe(404);
    expect((await listDurableObjectIds(env.SINGLETONS)).map(String)).not.toContain(env.SINGLETONS.idFromName(name).toString());
  });

  it("pauses, resumes, triggers, lists runs and deletes", async () => {
    const name = uniqueName("ops");
    await taskApi(name, "/t", { method: "PUT", body: counterTask("c3") });
    expect((await (await taskApi(name, "/t/pause", { method: "POST" })).json<TaskView>()).paused).toBe(true);
    expect((await (await taskApi(name, "/t/resume", { method: "POST" })).json<TaskView>()).paused).toBe(false);
    const run = await (await taskApi(name, "/t/trigger", { method: "POST" })).json<TaskRun>();
    expect(run).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(run.tickId).toMatch(/^t@\d{4}-/);
    expect((await runsOf(name, "t")).map((r) => r.tickId)).toEqual([run.tickId]);
    expect((await (await taskApi(name, "/t")).json<TaskView>()).lastRun?.tickId).toBe(run.tickId);
    expect((await taskApi(name, "/t", { method: "DELETE" })).status).toBe(204);
    expect((await taskApi(name, "/t")).status).toBe(404);
  });

  it("refuses to delete a task declared in code", async () => {
    const res = await taskApi("default", "/heartbeat", { method: "DELETE" });
    expect(res.status).toBe(409);
  });
});

describe("tick fencing", () => {
  it("records one completion when the alarm runs twice for the same due tick, and the action saw one tick id", async () => {
    const name = uniqueName("fence");
    const key = `fence-${name}`;
    await taskApi(name, "/t", { method: "PUT", body: counterTask(key) });
    const tick = Date.now() - 1000;
    await dueAt(name, "t", tick);
    await runInDurableObject(singletonStub(name), (instance: SingletonObject) => Promise.all([instance.alarm(), instance.alarm()]));
    await runInDurableObject(singletonStub(name), (instance: SingletonObject) => instance.alarm());
    expect(await singletonRows(name, "SELECT scheduled_at, status, attempts FROM runs")).toEqual([{ scheduled_at: tick, status: "succeeded", attempts: 1 }]);
    expect(await value(key)).toBe(1);
    expect(await rows("Counter", key, "SELECT message_id FROM dedup WHERE entity_key = ?", key)).toEqual([{ message_id: `t@${new Date(tick).toISOString()}` }]);
  });

  it("retries a failing tick with backoff and records one completion", async () => {
    const name = uniqueName("retry");
    const account = `acct-${name}`;
    await taskApi(name, "/pay", { method: "PUT", body: { schedule: { every: "1h" }, action: { type: "entity", entityType: "Account", key: account, message: "withdraw", input: { amount: 5 } } } });
    await dueAt(name, "pay", Date.now() - 1000);
    await runDurableObjectAlarm(singletonStub(name));
    const [first] = await runsOf(name, "pay");
    expect(first).toMatchObject({ status: "retrying", attempts: 1 });
    expect(first?.error).toContain("balance 0 is less than 5");
    await send("Account", account, "deposit", { amount: 5 });
    await singletonRows(name, "UPDATE runs SET next_attempt_at = ? WHERE task_id = 'pay'", Date.now() - 1);
    await runDurableObjectAlarm(singletonStub(name));
    expect((await runsOf(name, "pay")).map((r) => [r.status, r.attempts])).toEqual([["succeeded", 2]]);
    expect(await (await send("Account", account, "balance")).json()).toEqual({ balance: 0 });
  });

  it("records failed after maxAttempts and keeps the schedule going", async () => {
    const name = uniqueName("fail");
    await taskApi(name, "/pay", { method: "PUT", body: { schedule: { every: "1h" }, maxAttempts: 1, action: { type: "entity", entityType: "Account", key: `a-${name}`, message: "withdraw", input: { amount: 5 } } } });
    await dueAt(name, "pay", Date.now() - 1000);
    await runDurableObjectAlarm(singletonStub(name));
    expect((await runsOf(name, "pay")).map((r) => r.status)).toEqual(["failed"]);
    const task = await (await taskApi(name, "/pay")).json<TaskView>();
    expect(Date.parse(task.nextRunAt ?? "")).toBeGreaterThan(Date.now());
  });

  it("re-runs a tick whose runner crashed after its side effect, with the same tick id, applied once", async () => {
    const name = uniqueName("crash");
    const key = `crash-${name}`;
    await taskApi(name, "/t", { method: "PUT", body: counterTask(key) });
    const tick = Date.now() - 5_000;
    const id = `t@${new Date(tick).toISOString()}`;
    await send("Counter", key, "increment", { by: 1 }, { "idempotency-key": id }); // the side effect happened…
    await singletonRows(name, "INSERT INTO runs (task_id, scheduled_at, status, attempts, started_at, lease_until) VALUES ('t', ?, 'running', 1, ?, ?)", tick, tick, Date.now() - 1); // …then the runner died
    await runDurableObjectAlarm(singletonStub(name));
    expect((await runsOf(name, "t")).map((r) => [r.tickId, r.status, r.attempts])).toEqual([[id, "succeeded", 2]]);
    expect(await value(key)).toBe(1);
  });

  it("records a tick that would overlap the task's running tick as skipped_overlap", async () => {
    const name = uniqueName("overlap");
    await taskApi(name, "/slow", { method: "PUT", body: { schedule: { every: "1h" }, action: { type: "entity", entityType: "Counter", key: `o-${name}`, message: "incrementSlowly", input: { by: 1, delayMs: 1000 } } } });
    const [a, b] = await Promise.all([taskApi(name, "/slow/trigger", { method: "POST" }), new Promise((r) => setTimeout(r, 200)).then(() => taskApi(name, "/slow/trigger", { method: "POST" }))]);
    expect([(await a.json<TaskRun>()).status, (await b.json<TaskRun>()).status]).toEqual(["succeeded", "skipped_overlap"]);
  });
});

describe("the alarm chain survives", () => {
  it("keeps the next alarm armed across an eviction, and re-arms it on activation if it was lost", async () => {
    const name = uniqueName("chain");
    await taskApi(name, "/t", { method: "PUT", body: counterTask(`chain-${name}`) });
    const stub = singletonStub(name);
    const armed = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    await evictDurableObject(stub);
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBe(armed);
    await runInDurableObject(stub, (_i, state) => state.storage.deleteAlarm());
    await evictDurableObject(stub);
    await taskApi(name, ""); // any activation
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBe(armed);
  });
});

describe("catch-up after three days", () => {
  it.each([
    ["skip", 1, 71],
    ["all", 72, 0],
    ["none", 0, 72],
  ] as const)("%s runs %i ticks and drops %i", async (catchUp, ran, dropped) => {
    const name = uniqueName(`catch-${catchUp}`);
    const key = `catch-${name}`;
    await taskApi(name, "/hourly", { method: "PUT", body: counterTask(key, { catchUp }) });
    const from = Date.now() - 71 * H - 30 * 60_000;
    await dueAt(name, "hourly", from);
    await runDurableObjectAlarm(singletonStub(name));
    const runs = await runsOf(name, "hourly");
    expect(runs).toHaveLength(ran);
    expect(runs.every((r) => r.status === "succeeded")).toBe(true);
    expect(runs.map((r) => Date.parse(r.scheduledAt)).reverse()).toEqual(Array.from({ length: ran }, (_, i) => from + (72 - ran + i) * H));
    expect(await value(key)).toBe(ran);
    const task = await (await taskApi(name, "/hourly")).json<TaskView>();
    expect(task.missedTicks).toBe(dropped);
    expect(Date.parse(task.nextRunAt ?? "")).toBe(from + 72 * H);
  });
});

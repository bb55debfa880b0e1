import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, createCluster, defineEntity, defineErrors, defineEvent, defineService, defineSubscription } from "../../src/index.ts";
import { Account } from "../../examples/demo/account.ts";
import { EchoJob } from "../../examples/demo/jobs.ts";
import { cluster } from "../fixtures/worker.ts";
import { admin, BASE } from "./helpers.ts";

const Note = defineEntity({
  type: "Note",
  state: z.object({ text: z.string() }),
  initial: () => ({ text: "" }),
  messages: { set: { input: z.object({ text: z.string() }), output: z.object({ text: z.string() }) } },
  handlers: { set: (ctx, { text }) => ({ text: (ctx.state.text = text) }) },
});

describe("createCluster", () => {
  it("adds the platform's own entities, events and webhook subscriptions to an app that declares one entity", () => {
    const { app } = createCluster({ entities: [Note] });
    expect(app.entities.list().map((e) => e.type)).toEqual(["Note", "EventBus", "Jobs", "SagaLog"]);
    expect(app.events.list().map((e) => e.type)).toEqual(["metadata.changed", "webhook.endpoint_disabled", "tenant.created", "tenant.suspended", "tenant.resumed", "tenant.deleted", "rollout.progress", "rollout.halted", "rollout.completed"]);
    expect(app.events.subscriptionsOf("metadata.changed").map((s) => s.name)).toEqual(["webhooks-metadata-changed"]);
  });

  it("feeds every event the app declares to its tenant's webhooks too", () => {
    const Shipped = defineEvent({ type: "order.shipped", payload: z.object({ id: z.string() }) });
    const { app } = createCluster({ events: [Shipped] });
    expect(app.events.subscriptionsOf("order.shipped").map((s) => s.name)).toEqual(["webhooks-order-shipped"]);
  });

  it("refuses, naming it, a name the platform owns or a name declared twice", () => {
    const EventBus = defineEntity({ ...Note, type: "EventBus" });
    expect(() => createCluster({ entities: [EventBus] })).toThrow("createCluster: entity type 'EventBus' is declared by the platform itself; choose another name");
    const Created = defineEvent({ type: "tenant.created", payload: z.object({}) });
    expect(() => createCluster({ events: [Created] })).toThrow("event type 'tenant.created' is declared by the platform itself");
    const Ping = defineEvent({ type: "x.ping", payload: z.object({}) });
    const hook = defineSubscription(Ping, { name: "webhooks-mine", deliver: "at-least-once", to: { run: () => undefined } });
    expect(() => createCluster({ events: [Ping], subscriptions: [hook] })).toThrow("subscription 'webhooks-mine' is declared by the platform itself");
    expect(() => createCluster({ entities: [Note, Note] })).toThrow("entity type 'Note' is declared twice");
  });

  it("refuses, naming it, a subscription or a service that refers to an entity type the app does not declare", () => {
    const Ping = defineEvent({ type: "x.ping", payload: z.object({}) });
    const toNowhere = defineSubscription(Ping, { name: "to-nowhere", deliver: "exactly-once", to: { entityType: "Nowhere", key: () => "k", message: "apply" } });
    expect(() => createCluster({ events: [Ping], subscriptions: [toNowhere] })).toThrow("subscription 'to-nowhere' delivers to entity type 'Nowhere', which the app does not declare");
    const sweep = defineService({ name: "sweep", annotations: { clusterScope: "cluster", leaderStrategy: "partitioned" }, partitionedBy: "Nowhere", schedule: { every: "1h" }, run: () => undefined });
    expect(() => createCluster({ services: [sweep] })).toThrow("service 'sweep' is partitioned by entity type 'Nowhere', which the app does not declare");
  });

  it("refuses an app problem code that reuses a platform code or has no valid status", () => {
    expect(() => defineErrors({ not_found: { status: 404, title: "Mine" } })).toThrow("defineErrors: code 'not_found' is the platform's own");
    expect(() => defineErrors({ teapot: { status: 418.5, title: "Teapot" } })).toThrow("defineErrors(teapot): status must be an integer in 400..599");
    expect(() => defineErrors({ "Bad-Code": { status: 400, title: "x" } })).toThrow("must be snake case");
    const errors = defineErrors({ teapot: { status: 418, title: "I'm a teapot" } });
    expect(new AppError(errors.teapot, "short and stout").toProblem()).toMatchObject({ type: "urn:durable-cluster:problem:teapot", code: "teapot", status: 418, title: "I'm a teapot", detail: "short and stout" });
  });

  it("lists the app's problem codes in its API document", async () => {
    const doc = await (await cluster.fetch(new Request(`${BASE}/openapi.json`), env, createExecutionContext())).json<{ info: { description: string } }>();
    expect(doc.info.description).toContain("`insufficient_funds` (409, Insufficient funds)");
  });
});

describe("route", () => {
  const call = async (path: string, init?: RequestInit) => {
    const ctx = createExecutionContext();
    const res = await cluster.route(new Request(BASE + path, init), env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };

  it("answers the cluster's paths and returns null for the others", async () => {
    expect((await call("/livez"))?.status).toBe(200);
    expect((await call("/v1/cluster", { headers: admin() }))?.status).toBe(200);
    expect(await call("/")).toBeNull();
    expect(await call("/app/home")).toBeNull();
    expect(await call("/v1")).toBeNull();
    expect(await call("/v1/orders/42")).toBeNull(); // no route of the cluster: the app's own /v1 routes stay reachable
    expect((await call("/v1/jobs/no-such-job", { headers: admin() }))?.status).toBe(404); // a cluster route's own 404
  });

  it("mounts in an app's own hono router", async () => {
    const app = new Hono<{ Bindings: typeof env }>();
    app.get("/hello", (c) => c.text("hello from the app"));
    app.get("/v1/orders/:id", (c) => c.json({ order: c.req.param("id") }));
    app.all("*", async (c, next) => (await cluster.route(c.req.raw, c.env, c.executionCtx)) ?? next());
    const ctx = createExecutionContext();
    const own = await app.fetch(new Request(`${BASE}/hello`), env, ctx);
    const ours = await app.fetch(new Request(`${BASE}/v1/entities/Account/route-1/deposit`, { method: "POST", headers: admin({ "content-type": "application/json" }), body: JSON.stringify({ amount: 5 }) }), env, ctx);
    const neither = await app.fetch(new Request(`${BASE}/nothing`), env, ctx);
    const ownV1 = await app.fetch(new Request(`${BASE}/v1/orders/7`), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await own.text()).toBe("hello from the app");
    expect(await ownV1.json()).toEqual({ order: "7" });
    expect(await ours.json()).toEqual({ balance: 5 });
    expect(neither.status).toBe(404);
  });
});

describe("the typed helpers", () => {
  it("send entity messages, submit jobs, publish events and start sagas from the app's own code", async () => {
    expect(await cluster.router(env).to(Account).request("helpers-1", "deposit", { amount: 7 })).toEqual({ balance: 7 });
    const job = await cluster.jobs(env).submit(EchoJob, { message: "hi" }, { idempotencyKey: "helpers-job-1" });
    expect(await cluster.jobs(env).get(job.id)).toMatchObject({ id: job.id, type: "demo.echo" });
    expect(await cluster.jobs(env).submit(EchoJob, { message: "hi" }, { idempotencyKey: "helpers-job-1" })).toMatchObject({ id: job.id, duplicate: true });
    expect(await cluster.events(env).publish("counter.incremented", { key: "helpers", value: 1, by: 1 }, { eventId: "helpers-evt-1" })).toEqual({ eventId: "helpers-evt-1", duplicate: false });
    const saga = await cluster.sagas(env).start("transfer", { from: "helpers-1", to: "helpers-2", amount: 2, currency: "EUR" }, { instanceId: "helpers-saga-1" });
    expect(saga).toEqual({ instanceId: "helpers-saga-1", duplicate: false });
    expect((await cluster.realtime(env).sendToUser("helpers-nobody", { hi: 1 })).delivered).toBe(0);
  });

  it("refuse bad input with the same 400 as the routes, storing nothing", async () => {
    await expect(cluster.jobs(env).submit(EchoJob, { message: 5 as unknown as string })).rejects.toMatchObject({ code: "validation_failed", status: 400 });
    await expect(cluster.jobs(env).submit(EchoJob, { message: "x" }, { delayMs: -1 })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(cluster.events(env).publish("no.such", {})).rejects.toMatchObject({ code: "validation_failed" });
  });
});

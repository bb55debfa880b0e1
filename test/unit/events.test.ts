import { describe, expect, it } from "vitest";
import { z } from "zod";
import { retryDelaySeconds } from "../../src/events/consumer.ts";
import { createEventRegistry, defineEvent, defineSubscription } from "../../src/events/define.ts";
import { receives, streamOf } from "../../src/events/deliver.ts";
import { ownerKey } from "../../src/events/publish.ts";
import { relayBackoff } from "../../src/events/relay.ts";
import { effectiveDelivery } from "../../src/events/semantics.ts";
import type { EventMessage } from "../../src/spec/index.ts";

const Ping = defineEvent({ type: "demo.ping", payload: z.object({ n: z.number().int() }) });
const message = (extra: Partial<EventMessage> = {}) => ({ eventId: "e1", type: "demo.ping", version: 1, payload: { n: 1 }, scope: "cluster", delivery: "at-least-once", producer: "Counter/3", emittedAt: 0, ...extra }) as EventMessage;
const entity = { entityType: "PingLog", key: () => "k", message: "apply" };

describe("event definitions", () => {
  it("refuses exactly-once to a function (its dedup could not be transactional)", () => {
    expect(() => defineSubscription(Ping, { name: "f", deliver: "exactly-once", to: { run: () => undefined } })).toThrow(/exactly-once needs an entity target/);
  });

  it("refuses bad names, duplicate types and subscriptions to unknown events", () => {
    expect(() => defineEvent({ type: "Bad Type", payload: z.object({}) })).toThrow();
    expect(() => defineSubscription(Ping, { name: "Bad", deliver: "at-least-once", to: entity })).toThrow(/slug/);
    expect(() => createEventRegistry([Ping, Ping], [])).toThrow(/declared twice/);
    const other = defineSubscription(defineEvent({ type: "other.event", payload: z.object({}) }), { name: "s", deliver: "at-least-once", to: entity });
    expect(() => createEventRegistry([Ping], [other])).toThrow(/unknown event/);
  });

  it("accepts the object form defineSubscription({ event, name, deliver, to }) as the same definition", () => {
    const to = { entityType: "PingLog", key: (e: { n: number }) => String(e.n), message: "apply" };
    const objectForm = defineSubscription({ event: Ping, name: "obj", deliver: "at-least-once", tenant: "acme", to });
    expect(objectForm).toEqual(defineSubscription(Ping, { name: "obj", deliver: "at-least-once", tenant: "acme", to }));
    expect(objectForm).toMatchObject({ event: "demo.ping", name: "obj", tenant: "acme" });
    expect(() => defineSubscription({ event: Ping, name: "f", deliver: "exactly-once", to: { run: () => undefined } })).toThrow(/exactly-once needs an entity target/);
    expect(defineSubscription({ event: Ping, name: "typed", deliver: "best-effort", to: { entityType: "PingLog", key: (e) => `n-${e.n}`, message: "apply" } }).event).toBe("demo.ping");
  });

  it("validates emits with paths and returns the version", () => {
    const registry = createEventRegistry([Ping], []);
    expect(registry.validate("demo.ping", { n: 1 }, {})).toEqual({ version: 1, payload: { n: 1 } });
    expect(() => registry.validate("demo.ping", { n: 1.5 }, {})).toThrow(/invalid payload/);
  });
});

describe("routing of an event to subscriptions", () => {
  const all = defineSubscription(Ping, { name: "all", deliver: "exactly-once", to: entity });
  const globex = defineSubscription(Ping, { name: "globex", deliver: "at-least-once", tenant: "globex", to: entity });

  it("gives tenant-bound subscriptions only their tenant's tenant-scoped events", () => {
    expect(receives(globex, message())).toBe(false);
    expect(receives(globex, message({ scope: "tenant", tenantId: "acme" as never }))).toBe(false);
    expect(receives(globex, message({ scope: "tenant", tenantId: "globex" as never }))).toBe(true);
    expect(receives(all, message({ scope: "tenant", tenantId: "acme" as never }))).toBe(true);
  });

  it("gives a replay only to its subscription", () => {
    expect(receives(all, message({ subscription: "globex" }))).toBe(false);
    expect(receives(all, message({ subscription: "all" }))).toBe(true);
  });

  it("orders per (subscription, producer, partition key), only for sequenced events", () => {
    expect(streamOf(all, message())).toBeUndefined();
    expect(streamOf(all, message({ partitionKey: "k", sequence: 4 }))).toBe("all|Counter/3|k");
  });

  it("gives each tenant's events of one partition key their own stream and EventBus owner", () => {
    const tenant = (t: string) => message({ scope: "tenant", tenantId: t as never, partitionKey: "k", sequence: 1 });
    expect(streamOf(all, tenant("acme"))).toBe("all|Counter/3|acme:k");
    expect(streamOf(all, tenant("globex"))).toBe("all|Counter/3|globex:k");
    expect([ownerKey("k", "e1", "acme"), ownerKey("k", "e1", "globex"), ownerKey("k", "e1"), ownerKey(undefined, "e1", "acme")]).toEqual(["acme:k", "globex:k", "k", "acme:e1"]);
  });
});

describe("the effective delivery of an event to a subscription", () => {
  it("is best-effort when the emitter asked for best-effort, else the subscription's", () => {
    const all = ["best-effort", "at-least-once", "exactly-once"] as const;
    const table = all.map((event) => all.map((sub) => effectiveDelivery(event, sub)));
    expect(table).toEqual([
      ["best-effort", "best-effort", "best-effort"],
      ["best-effort", "at-least-once", "exactly-once"],
      ["best-effort", "at-least-once", "exactly-once"],
    ]);
  });
});

describe("backoff", () => {
  it("retries deliveries at base × 2^(n-1) s, capped at 5 min", () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelaySeconds(n, 1))).toEqual([1, 2, 4, 8, 16]);
    expect(retryDelaySeconds(20, 1)).toBe(300);
    expect(retryDelaySeconds(3, 0)).toBe(0);
  });

  it("retries relays 1 s doubling to 60 s", () => {
    expect([1, 2, 3, 10].map(relayBackoff)).toEqual([1000, 2000, 4000, 60000]);
  });
});

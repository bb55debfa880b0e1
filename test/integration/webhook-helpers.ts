import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { TenantObject } from "../../src/objects/index.ts";
import type { EventMessage, WebhookEndpointDisabled } from "../../src/spec/index.ts";
import { tenantObjectName } from "../../src/webhooks/tenant-client.ts";
import { WebhookHost } from "../../src/webhooks/webhook-host.ts";
import { api } from "./event-helpers.ts";

let counter = 0;

/** A tenant no other test uses. */
export function freshTenant(): string {
  return `t${Date.now().toString(36)}${++counter}`;
}

/** A registered, active tenant no other test uses: webhook routes answer 404 for a tenant the registry does not list. */
export async function activeTenant(): Promise<string> {
  const tenant = freshTenant();
  const res = await api("/v1/tenants", { method: "POST", body: { id: tenant, name: "Webhooks", plan: "free" } });
  if (res.status !== 201) throw new Error(`tenant creation answered ${res.status}: ${await res.text()}`);
  return tenant;
}

export function tenantStub(tenant: string) {
  return env.TENANTS.get(env.TENANTS.idFromName(tenantObjectName(tenant)));
}

/** Runs SQL inside the tenant's object. */
export function tenantRows<T extends Record<string, SqlStorageValue>>(tenant: string, query: string, ...params: SqlStorageValue[]): Promise<T[]> {
  return runInDurableObject(tenantStub(tenant), (_instance, state) => state.storage.sql.exec<T>(query, ...params).toArray());
}

/** The tenant object's alarm, ms (null when none). */
export function tenantAlarm(tenant: string): Promise<number | null> {
  return runInDurableObject(tenantStub(tenant), (_instance, state) => state.storage.getAlarm());
}

/** A receiver: answers each request with the next queued status (default 200) and keeps the requests. */
export class FakeReceiver {
  readonly requests: { url: string; headers: Headers; body: string }[] = [];
  readonly responses: (number | { status: number; headers: Record<string, string> })[] = [];

  readonly fetch = async (request: Request): Promise<Response> => {
    this.requests.push({ url: request.url, headers: request.headers, body: await request.text() });
    const next = this.responses.shift() ?? 200;
    return typeof next === "number" ? new Response("ok", { status: next }) : new Response("busy", next);
  };
}

/**
 * A registered, active tenant whose `TenantObject` runs its webhooks with a fake receiver and a controllable clock
 * starting in 2100 (so the real alarm never fires by itself: `runAlarm` fires it).
 */
export interface TestTenant {
  readonly tenant: string;
  readonly receiver: FakeReceiver;
  readonly disabled: WebhookEndpointDisabled[];
  now: number;
  runAlarm(): Promise<boolean>;
  alarm(): Promise<number | null>;
}

export const T0 = Date.parse("2100-01-01T00:00:00Z");

export async function testTenant(): Promise<TestTenant> {
  const tenant = await activeTenant();
  const receiver = new FakeReceiver();
  const t: TestTenant = {
    tenant, receiver, disabled: [], now: T0,
    runAlarm: () => runDurableObjectAlarm(tenantStub(tenant)),
    alarm: () => tenantAlarm(tenant),
  };
  await runInDurableObject(tenantStub(tenant), (instance: TenantObject, state) => {
    const host = new WebhookHost(state.storage, {
      fetch: receiver.fetch, now: () => t.now, allowPrivate: false, scale: 1, random: () => 0.5,
      onDisabled: (event) => (t.disabled.push(event), Promise.resolve()),
    });
    Object.assign(instance, { webhooks: host });
  });
  return t;
}

/** Registers an endpoint over HTTP; answers its id and secret. */
export async function createEndpoint(tenant: string, body: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const res = await api(`/v1/tenants/${tenant}/webhooks`, { method: "POST", body: { url: "https://hooks.example.com/in", events: ["*"], ...body } });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return res.json();
}

/** A tenant-scoped event as the relay puts it on the Queue. */
export function tenantEvent(tenant: string, type = "demo.ping", payload: unknown = { n: 1 }): EventMessage {
  return { eventId: `evt_w${Date.now()}_${++counter}`, type, version: 1, payload, scope: "tenant", tenantId: tenant, delivery: "at-least-once", producer: "test", emittedAt: Date.now() } as EventMessage;
}

import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { eventually } from "../eventually.ts";

const base = inject("baseUrl");
const headers = { Authorization: `Bearer ${inject("adminToken")}`, "content-type": "application/json" };
const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
const get = async <T>(path: string): Promise<T> => (await (await fetch(`${base}${path}`, { headers })).json()) as T;

interface Received { path: string; id: string; verified: boolean; body: { type: string; data: unknown } }
interface Delivery { id: string; eventId: string; status: string; attempts: { statusCode: number | null }[] }

/** A real receiver on 127.0.0.1: verifies every request with the official library, answers per path. */
class Receiver {
  readonly received: Received[] = [];
  readonly secrets = new Map<string, string>();
  /** Status codes to answer per path, in order; then 200. */
  readonly plans = new Map<string, number[]>();
  #server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const path = req.url ?? "/";
        this.received.push({ path, id: String(req.headers["webhook-id"]), verified: this.#verify(path, body, req.headers), body: JSON.parse(body) as Received["body"] });
        res.statusCode = this.plans.get(path)?.shift() ?? 200;
        res.end("ok");
      });
    });
    await new Promise<void>((done) => this.#server?.listen(0, "127.0.0.1", done));
    this.port = (this.#server.address() as AddressInfo).port;
  }

  #verify(path: string, body: string, h: IncomingHttpHeaders): boolean {
    try {
      new Webhook(this.secrets.get(path) ?? "").verify(body, { "webhook-id": String(h["webhook-id"]), "webhook-timestamp": String(h["webhook-timestamp"]), "webhook-signature": String(h["webhook-signature"]) });
      return true;
    } catch {
      return false;
    }
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  stop(): Promise<void> {
    return new Promise((done) => (this.#server ? this.#server.close(() => done()) : done()));
  }
}

const receiver = new Receiver();
let seq = 0;

/** Registers the tenant (webhook routes answer 404 for one the registry does not list), then an endpoint. */
async function endpoint(tenant: string, path: string, events: string[] = ["*"]): Promise<string> {
  expect([201, 409]).toContain((await post("/v1/tenants", { id: tenant, name: "Webhooks e2e", plan: "free" })).status);
  const res = await post(`/v1/tenants/${tenant}/webhooks`, { url: `http://127.0.0.1:${receiver.port}${path}`, events });
  expect(res.status).toBe(201);
  const { id, secret } = (await res.json()) as { id: string; secret: string };
  receiver.secrets.set(path, secret);
  return id;
}

async function publish(tenant: string, n: number): Promise<string> {
  const res = await post("/v1/events", { type: "demo.ping", payload: { n }, scope: "tenant", tenantId: tenant });
  expect(res.status).toBe(202);
  return ((await res.json()) as { eventId: string }).eventId;
}

const fresh = (name: string) => ({ tenant: `wh-${name}-${Date.now().toString(36)}`, path: `/${name}-${++seq}` });

describe("webhooks under a real wrangler dev, to a real receiver", () => {
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it("delivers a tenant event signed so that the standardwebhooks library verifies it", async () => {
    const { tenant, path } = fresh("ok");
    await endpoint(tenant, path);
    const eventId = await publish(tenant, 1);
    await eventually(() => receiver.at(path).length === 1);
    expect(receiver.at(path)[0]).toMatchObject({ id: eventId, verified: true, body: { type: "demo.ping", data: { n: 1 } } });
  });

  it("gives a receiver that fails the first three attempts the fourth, with the same webhook-id", async () => {
    const { tenant, path } = fresh("flaky");
    const id = await endpoint(tenant, path);
    receiver.plans.set(path, [500, 503, 502]);
    const eventId = await publish(tenant, 2);
    await eventually(() => receiver.at(path).length === 4);
    expect(receiver.at(path).map((r) => [r.id, r.verified])).toEqual(Array.from({ length: 4 }, () => [eventId, true]));
    await eventually(async () => (await get<{ items: Delivery[] }>(`/v1/tenants/${tenant}/webhooks/${id}/deliveries`)).items[0]?.status === "succeeded");
    const [delivery] = (await get<{ items: Delivery[] }>(`/v1/tenants/${tenant}/webhooks/${id}/deliveries`)).items;
    expect(delivery?.attempts.map((a) => a.statusCode)).toEqual([500, 503, 502, 200]);
  });

  it("disables an endpoint that answers 410 and publishes webhook.endpoint_disabled", async () => {
    const { tenant, path } = fresh("gone");
    const watcher = `${path}-watcher`;
    const id = await endpoint(tenant, path, ["demo.ping"]);
    await endpoint(tenant, watcher, ["webhook.endpoint_disabled"]);
    receiver.plans.set(path, [410]);
    await publish(tenant, 3);
    await eventually(async () => (await get<{ disabled: boolean }>(`/v1/tenants/${tenant}/webhooks/${id}`)).disabled);
    expect(await get(`/v1/tenants/${tenant}/webhooks/${id}`)).toMatchObject({ disabled: true, disabledReason: "gone" });
    await eventually(() => receiver.at(watcher).length === 1);
    expect(receiver.at(watcher)[0]).toMatchObject({ verified: true, body: { type: "webhook.endpoint_disabled", data: { endpointId: id, reason: "gone" } } });
    // A second endpoint that takes every event is the signal: once it has event 4, the disabled one
    // would have had a delivery of it too (one tenant object fans each event out in one step).
    const live = `${path}-live`;
    const liveId = await endpoint(tenant, live, ["demo.ping"]);
    await publish(tenant, 4);
    await eventually(() => receiver.at(live).length === 1);
    expect(receiver.at(path)).toHaveLength(1);
    expect((await get<{ items: Delivery[] }>(`/v1/tenants/${tenant}/webhooks/${id}/deliveries`)).items).toHaveLength(1);
    expect((await get<{ items: Delivery[] }>(`/v1/tenants/${tenant}/webhooks/${liveId}/deliveries`)).items).toHaveLength(1);
  });

  it("lists an exhausted delivery as dead, and a replay delivers it with the same webhook-id", async () => {
    const { tenant, path } = fresh("dead");
    const id = await endpoint(tenant, path);
    receiver.plans.set(path, Array.from({ length: 10 }, () => 500));
    const eventId = await publish(tenant, 5);
    let dead: Delivery | undefined;
    await eventually(async () => {
      dead = (await get<{ items: Delivery[] }>(`/v1/tenants/${tenant}/webhooks/${id}/deliveries?status=dead`)).items[0];
      return dead !== undefined;
    }, 80_000);
    expect(dead).toMatchObject({ eventId, status: "dead" });
    expect(dead?.attempts).toHaveLength(10);
    expect((await post(`/v1/tenants/${tenant}/webhooks/${id}/deliveries/${dead?.id ?? ""}/replay`, {})).status).toBe(202);
    await eventually(() => receiver.at(path).length === 11);
    expect(receiver.at(path).every((r) => r.id === eventId && r.verified)).toBe(true);
    await eventually(async () => (await get<{ items: Delivery[] }>(`/v1/tenants/${tenant}/webhooks/${id}/deliveries?status=succeeded`)).items.length === 1);
  }, 120_000);
});

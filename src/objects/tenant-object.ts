import { DurableObject } from "cloudflare:workers";
import { app } from "../app";
import { publishEvent } from "../events/publish";
import { Router } from "../shards";
import { delivered, type Delivery } from "../shards/delivery";
import { runtimeConfig, TenantIdSchema, type CreateWebhook, type UpdateWebhook, type WebhookDelivery, type WebhookDeliveryPage, type WebhookDeliveryQuery, type WebhookEndpoint, type WebhookEndpointDisabled, type WebhookSecret } from "../spec";
import { runMigrations } from "../storage/migrations";
import { webhookConfig } from "../webhooks/config";
import type { WebhookEvent } from "../webhooks/deliveries";
import { tenantOfObjectName, type TenantWebhooksStub } from "../webhooks/tenant-client";
import { WebhookHost } from "../webhooks/webhook-host";
import { WEBHOOK_MIGRATIONS } from "../webhooks/webhook-schema";
import type { Pong } from "./ping";

/**
 * One per tenant, named `tenant/<tenantId>`: the tenant's own SQLite database. Holds the tenant's
 * webhook endpoints and deliveries; its single alarm is the earliest due delivery. A thin shell
 * over `WebhookHost`.
 */
export class TenantObject extends DurableObject<Env> implements TenantWebhooksStub {
  readonly webhooks: WebhookHost;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.webhooks = new WebhookHost(ctx.storage, {
      fetch: (request) => fetch(request),
      now: () => Date.now(),
      allowPrivate: runtimeConfig(env).WEBHOOKS_ALLOW_PRIVATE,
      scale: webhookConfig(env).WEBHOOK_RETRY_SCHEDULE_SCALE,
      onDisabled: (event) => this.#publishDisabled(event),
    });
    void ctx.blockConcurrencyWhile(async () => {
      runMigrations(ctx.storage, WEBHOOK_MIGRATIONS);
      await this.webhooks.arm();
    });
  }

  ping(): Pong {
    return { ok: true, object: "TenantObject" };
  }

  createWebhook(input: CreateWebhook): Promise<Delivery<WebhookSecret>> {
    return delivered(() => this.webhooks.create(input));
  }

  listWebhooks(): Promise<Delivery<WebhookEndpoint[]>> {
    return delivered(() => this.webhooks.list());
  }

  getWebhook(id: string): Promise<Delivery<WebhookEndpoint>> {
    return delivered(() => this.webhooks.get(id));
  }

  updateWebhook(id: string, patch: UpdateWebhook): Promise<Delivery<WebhookEndpoint>> {
    return delivered(() => this.webhooks.update(id, patch));
  }

  deleteWebhook(id: string): Promise<Delivery<null>> {
    return delivered(async () => (await this.webhooks.remove(id), null));
  }

  rotateWebhookSecret(id: string): Promise<Delivery<WebhookSecret>> {
    return delivered(() => this.webhooks.rotate(id));
  }

  enqueueWebhookEvent(event: WebhookEvent): Promise<Delivery<{ created: number }>> {
    return delivered(() => this.webhooks.enqueue(event));
  }

  listWebhookDeliveries(id: string, query: WebhookDeliveryQuery): Promise<Delivery<WebhookDeliveryPage>> {
    return delivered(() => this.webhooks.listDeliveries(id, query));
  }

  replayWebhookDelivery(id: string, deliveryId: string): Promise<Delivery<WebhookDelivery>> {
    return delivered(() => this.webhooks.replay(id, deliveryId));
  }

  override async alarm(): Promise<void> {
    await this.webhooks.runDue();
  }

  /** `webhook.endpoint_disabled`, tenant-scoped, with an event id fixed by the endpoint and the moment. */
  async #publishDisabled(event: WebhookEndpointDisabled): Promise<void> {
    const tenantId = TenantIdSchema.parse(tenantOfObjectName(this.ctx.id.name));
    const router = new Router(this.env.SHARDS, app.entities);
    await publishEvent(router, app.events, { type: "webhook.endpoint_disabled", payload: event, scope: "tenant", tenantId }, `webhook.endpoint_disabled:${event.endpointId}:${Date.now()}`);
  }
}

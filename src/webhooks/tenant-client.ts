import type { Delivery } from "../shards/delivery.ts";
import type { CreateWebhook, TenantId, UpdateWebhook, WebhookDelivery, WebhookDeliveryPage, WebhookDeliveryQuery, WebhookEndpoint, WebhookSecret } from "../spec/index.ts";
import type { WebhookEvent } from "./deliveries.ts";

/** The Durable Object name of a tenant's `TenantObject`: `tenant/<tenantId>`. */
export function tenantObjectName(tenantId: TenantId | string): string {
  return `tenant/${tenantId}`;
}

/** The tenant id in a `TenantObject` name, or undefined. */
export function tenantOfObjectName(name: string | undefined): string | undefined {
  return name?.startsWith("tenant/") ? name.slice("tenant/".length) : undefined;
}

/** The webhook RPCs of a `TenantObject`; errors travel as problems (`unwrap` re-throws them). */
export interface TenantWebhooksStub {
  createWebhook(input: CreateWebhook): Promise<Delivery<WebhookSecret>>;
  listWebhooks(): Promise<Delivery<WebhookEndpoint[]>>;
  getWebhook(id: string): Promise<Delivery<WebhookEndpoint>>;
  updateWebhook(id: string, patch: UpdateWebhook): Promise<Delivery<WebhookEndpoint>>;
  deleteWebhook(id: string): Promise<Delivery<null>>;
  rotateWebhookSecret(id: string): Promise<Delivery<WebhookSecret>>;
  enqueueWebhookEvent(event: WebhookEvent): Promise<Delivery<{ created: number }>>;
  listWebhookDeliveries(id: string, query: WebhookDeliveryQuery): Promise<Delivery<WebhookDeliveryPage>>;
  replayWebhookDelivery(id: string, deliveryId: string): Promise<Delivery<WebhookDelivery>>;
}

interface TenantNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): TenantWebhooksStub;
}

/** The `TenantObject` of a tenant, as its webhooks see it. */
export function tenantWebhooks(namespace: TenantNamespace, tenantId: TenantId | string): TenantWebhooksStub {
  return namespace.get(namespace.idFromName(tenantObjectName(tenantId)));
}

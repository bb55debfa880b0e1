import { DurableObject } from "cloudflare:workers";
import { beginAlarm, ownAlarms } from "../storage/alarms.ts";
import { delivered, type Delivery } from "../shards/delivery.ts";
import { publishMetadataChanged } from "../tenants/events.ts";
import { RegistryStore } from "../tenants/registry.ts";
import type { RolloutStep } from "../tenants/rollout-apply.ts";
import { TenantHost } from "../tenants/tenant-host.ts";
import { TENANT_OBJECT_MIGRATIONS } from "../tenants/tenant-schema.ts";
import type { TenantStub } from "../tenants/tenant-client.ts";
import { TenantIdSchema, type RolloutOutcome, type AppInstallBundle, type AppOperationResult, type CreateTenantKey, type DeployBundle, type Deployment, type DeploymentPage, type InstalledApp, type MetadataChanged, type RecordPage, type RecordQuery, type Tenant, type TenantApiKey, type TenantCreated, type TenantKeyScope, type TenantKeySecret, type TenantPage, type TenantProvisioningStatus, type TenantRecord, type TenantUsage, type CreateWebhook, type UpdateWebhook, type WebhookDelivery, type WebhookDeliveryPage, type WebhookDeliveryQuery, type WebhookEndpoint, type WebhookSecret } from "../spec/index.ts";
import { runMigrations } from "../storage/migrations.ts";
import { webhookDeps } from "../webhooks/config.ts";
import type { WebhookEvent } from "../webhooks/deliveries.ts";
import { tenantOfObjectName, type TenantWebhooksStub } from "../webhooks/tenant-client.ts";
import { WebhookHost } from "../webhooks/webhook-host.ts";
import { publishEndpointDisabled } from "../webhooks/events.ts";
import type { Pong } from "./ping.ts";
import type { ClusterEnv } from "../env.ts";
import type { ResolvedApp } from "../cluster/app.ts";

/**
 * One per tenant, named `tenant/<tenantId>`: the tenant's own SQLite database, with its lifecycle,
 * keys, metadata, records, apps and rollout steps (`TenantHost`) and its webhooks (`WebhookHost`;
 * its single alarm is the earliest due delivery). The object named `registry` lists the tenants.
 */
export class TenantObject extends DurableObject<ClusterEnv> implements TenantWebhooksStub, TenantStub {
  readonly webhooks: WebhookHost;
  readonly tenant: TenantHost;
  readonly registry: RegistryStore;
  readonly #app: ResolvedApp;

  constructor(ctx: DurableObjectState, env: ClusterEnv, app: ResolvedApp) {
    super(ctx, env);
    ownAlarms(ctx, "TENANTS");
    this.#app = app;
    this.webhooks = new WebhookHost(ctx.storage, webhookDeps(env, (event) => publishEndpointDisabled(app.router(env), app.events, TenantIdSchema.parse(tenantOfObjectName(ctx.id.name)), event)));
    this.tenant = new TenantHost(ctx.storage);
    this.registry = new RegistryStore(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => {
      runMigrations(ctx.storage, TENANT_OBJECT_MIGRATIONS);
      await this.webhooks.arm();
    });
  }

  ping(): Pong {
    return { ok: true, object: "TenantObject" };
  }

  createWebhook(input: CreateWebhook): Promise<Delivery<WebhookSecret>> {
    return delivered(() => (this.#open(), this.webhooks.create(input)));
  }

  listWebhooks(): Promise<Delivery<WebhookEndpoint[]>> {
    return delivered(() => (this.#open(), this.webhooks.list()));
  }

  getWebhook(id: string): Promise<Delivery<WebhookEndpoint>> {
    return delivered(() => (this.#open(), this.webhooks.get(id)));
  }

  updateWebhook(id: string, patch: UpdateWebhook): Promise<Delivery<WebhookEndpoint>> {
    return delivered(() => (this.#open(), this.webhooks.update(id, patch)));
  }

  deleteWebhook(id: string): Promise<Delivery<null>> {
    return delivered(async () => (this.#open(), await this.webhooks.remove(id), null));
  }

  rotateWebhookSecret(id: string): Promise<Delivery<WebhookSecret>> {
    return delivered(() => (this.#open(), this.webhooks.rotate(id)));
  }

  enqueueWebhookEvent(event: WebhookEvent): Promise<Delivery<{ created: number }>> {
    return delivered(async () => (this.tenant.webhookState().accept ? this.webhooks.enqueue(event) : { created: 0 }));
  }

  listWebhookDeliveries(id: string, query: WebhookDeliveryQuery): Promise<Delivery<WebhookDeliveryPage>> {
    return delivered(() => (this.#open(), this.webhooks.listDeliveries(id, query)));
  }

  replayWebhookDelivery(id: string, deliveryId: string): Promise<Delivery<WebhookDelivery>> {
    return delivered(() => (this.#open(), this.webhooks.replay(id, deliveryId)));
  }

  provisionTenant(tenant: Tenant): Promise<Delivery<TenantCreated>> {
    return delivered(() => this.tenant.provision(tenant));
  }

  getTenant(id: string): Promise<Delivery<Tenant>> {
    return delivered(() => this.tenant.state.get(id));
  }

  transitionTenant(id: string, to: TenantProvisioningStatus): Promise<Delivery<Tenant>> {
    return delivered(async () => {
      const tenant = this.tenant.transition(id, to);
      return tenant.provisioningStatus === "active" ? (await this.webhooks.arm(), tenant) : tenant; // resumed: what waited is due
    });
  }

  destroyTenant(id: string): Promise<Delivery<Tenant>> {
    return delivered(() => this.tenant.destroy(id));
  }

  createTenantKey(id: string, input: CreateTenantKey): Promise<Delivery<TenantKeySecret>> {
    return delivered(() => this.tenant.createKey(id, input));
  }

  listTenantKeys(id: string): Promise<Delivery<TenantApiKey[]>> {
    return delivered(() => this.tenant.listKeys(id));
  }

  deleteTenantKey(id: string, keyId: string): Promise<Delivery<null>> {
    return delivered(() => (this.tenant.state.get(id), this.tenant.keys.remove(keyId), null));
  }

  verifyTenantKey(apiKey: string): Promise<{ scope: TenantKeyScope; tenant: Tenant } | null> {
    return this.tenant.verifyKey(apiKey);
  }

  tenantUsage(id: string): Promise<Delivery<TenantUsage>> {
    return delivered(() => this.tenant.usage(id));
  }

  deploy(id: string, bundle: DeployBundle, dryRun: boolean, raw: unknown): Promise<Delivery<Deployment>> {
    return delivered(async () => {
      const outcome = this.tenant.deploy(id, bundle, dryRun, raw);
      await this.#publishMetadata(outcome.events);
      return outcome.deployment;
    });
  }

  applyRollout(id: string, step: RolloutStep): Promise<Delivery<RolloutOutcome>> {
    return delivered(async () => {
      const { outcome, events } = this.tenant.rollout(id, step);
      await this.#publishMetadata(events);
      return outcome;
    });
  }

  getDeployment(id: string, deploymentId: string): Promise<Delivery<Deployment>> {
    return delivered(() => this.tenant.deployment(id, deploymentId));
  }

  listDeployments(id: string, cursor: string | undefined, limit: number): Promise<Delivery<DeploymentPage>> { return delivered(() => this.tenant.deployments(id, cursor, limit)); }

  installApp(id: string, bundle: AppInstallBundle): Promise<Delivery<AppOperationResult>> {
    return delivered(async () => {
      const { result, events } = this.tenant.install(id, bundle);
      await this.#publishMetadata(events);
      return result;
    });
  }

  uninstallApp(id: string, name: string): Promise<Delivery<AppOperationResult>> {
    return delivered(async () => {
      const { result, events } = this.tenant.uninstall(id, name);
      await this.#publishMetadata(events);
      return result;
    });
  }

  listApps(id: string): Promise<Delivery<InstalledApp[]>> {
    return delivered(() => this.tenant.listApps(id));
  }

  createRecord(id: string, object: string, input: unknown, key?: string): Promise<Delivery<TenantRecord>> {
    return delivered(() => this.tenant.withKey(key, true, () => this.tenant.createRecord(id, object, input)));
  }

  getRecord(id: string, object: string, recordId: string, key?: string): Promise<Delivery<TenantRecord>> {
    return delivered(() => this.tenant.withKey(key, false, () => this.tenant.getRecord(id, object, recordId)));
  }

  listRecords(id: string, object: string, query: RecordQuery, key?: string): Promise<Delivery<RecordPage>> {
    return delivered(() => this.tenant.withKey(key, false, () => this.tenant.listRecords(id, object, query)));
  }

  updateRecord(id: string, object: string, recordId: string, input: unknown, key?: string): Promise<Delivery<TenantRecord>> {
    return delivered(() => this.tenant.withKey(key, true, () => this.tenant.updateRecord(id, object, recordId, input)));
  }

  deleteRecord(id: string, object: string, recordId: string, key?: string): Promise<Delivery<null>> {
    return delivered(() => this.tenant.withKey(key, true, () => (this.tenant.deleteRecord(id, object, recordId), null)));
  }

  registryReserve(tenant: Tenant): Promise<Delivery<null>> {
    return delivered(() => (this.registry.reserve(tenant), null));
  }

  registryPut(tenant: Tenant): void {
    this.registry.put(tenant);
  }

  registryRemove(id: string): void {
    this.registry.remove(id);
  }

  registryHas(id: string): boolean {
    return this.registry.has(id);
  }

  registryList(cursor: string | undefined, limit: number): TenantPage {
    return this.registry.list(cursor, limit);
  }

  /** Deliveries and retention run only while active (`webhookState`); a suspended tenant's wait, unarmed, until resume re-arms. */
  override async alarm(): Promise<void> {
    beginAlarm(this.ctx.storage);
    if (this.tenant.webhookState().send) await this.webhooks.runDue();
  }

  /** Webhook routes need the tenant active: 404 when unknown or destroyed, 423 `tenant_suspended` while suspended. */
  #open(): void {
    this.tenant.state.active(tenantOfObjectName(this.ctx.id.name) ?? "");
  }

  /** `metadata.changed` after a deploy's commit; a failure to publish never rolls the deploy back. */
  async #publishMetadata(events: MetadataChanged[]): Promise<void> {
    await Promise.resolve()
      .then(() => publishMetadataChanged(this.#app.router(this.env), this.#app.events, events))
      .catch((err: unknown) => console.error("metadata.changed not published", err));
  }
}

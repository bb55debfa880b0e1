import { deleteAlarm } from "../storage/alarms.ts";
import { clock } from "../clock.ts";
import { AppError, type AppInstallBundle, type CreateTenantKey, type DeployBundle, type Deployment, type DeploymentPage, type InstalledApp, type RecordPage, type RecordQuery, type Tenant, type TenantKeyScope, type TenantKeySecret, type TenantApiKey, type TenantProvisioningStatus, type TenantRecord, type TenantUsage } from "../spec/index.ts";
import { runMigrations } from "../storage/migrations.ts";
import { AppStore, installApp, uninstallApp } from "./apps.ts";
import { DeploymentLog } from "./deployments.ts";
import { KeyStore, keyRefused, readOnlyRefused } from "./keys.ts";
import { MetadataStore } from "./metadata-store.ts";
import { runDeploy, requireDeployment, type DeployOutcome } from "./pipeline.ts";
import { RecordStore } from "./records.ts";
import { applyRollout, type RolloutStep } from "./rollout-apply.ts";
import { TENANT_OBJECT_MIGRATIONS } from "./tenant-schema.ts";
import { TenantState } from "./tenant-state.ts";

const TRANSITIONS: Partial<Record<TenantProvisioningStatus, readonly TenantProvisioningStatus[]>> = { suspended: ["active"], active: ["suspended"] };

/** A tenant's database: lifecycle, keys, deployments, records and apps over its own SQLite. */
export class TenantHost {
  readonly state: TenantState;
  readonly keys: KeyStore;
  readonly metadata: MetadataStore;
  readonly log: DeploymentLog;
  readonly records: RecordStore;
  readonly apps: AppStore;

  constructor(private readonly storage: DurableObjectStorage, private readonly now: () => number = clock.now) {
    this.state = new TenantState(storage.sql);
    this.keys = new KeyStore(storage.sql);
    this.metadata = new MetadataStore(storage.sql);
    this.log = new DeploymentLog(storage.sql);
    this.records = new RecordStore(storage, this.metadata, now);
    this.apps = new AppStore(storage.sql);
  }

  /** Records the tenant, applies its base schema (already migrated by the constructor) and creates its first key. */
  provision(tenant: Tenant): { tenant: Tenant; apiKey: string } {
    if (this.state.find()) throw new AppError("conflict", `tenant '${tenant.id}' exists`);
    return this.storage.transactionSync(() => {
      const t0 = this.now();
      this.state.put({ ...tenant, provisioningStatus: "provisioning" });
      this.state.step({ name: "create_database", status: "completed", durationMs: 0 });
      runMigrations(this.storage, TENANT_OBJECT_MIGRATIONS);
      this.state.step({ name: "apply_base_schema", status: "completed", durationMs: this.now() - t0 });
      const { apiKey } = this.keys.create(tenant.id, { scope: "full-access", name: "initial" }, this.now());
      this.state.step({ name: "create_api_key", status: "completed", durationMs: 0 });
      const active = this.state.setStatus(tenant.id, "active", this.now());
      this.state.step({ name: "activate", status: "completed", durationMs: 0 });
      return { tenant: active, apiKey };
    });
  }

  transition(tenantId: string, to: TenantProvisioningStatus): Tenant {
    const tenant = this.state.get(tenantId);
    if (tenant.provisioningStatus === to) return tenant;
    if (!(TRANSITIONS[tenant.provisioningStatus] ?? []).includes(to)) throw new AppError("invalid_transition", `tenant '${tenantId}' is ${tenant.provisioningStatus}, cannot become ${to}`);
    return this.state.setStatus(tenantId, to, this.now());
  }

  /** Wipes the whole database (every table, the alarm), then re-creates the empty schema: the id is free again. */
  async destroy(tenantId: string): Promise<Tenant> {
    const tenant = this.state.setStatus(tenantId, "destroying", this.now());
    await deleteAlarm(this.storage);
    await this.storage.deleteAll();
    runMigrations(this.storage, TENANT_OBJECT_MIGRATIONS);
    return tenant;
  }

  createKey(tenantId: string, input: CreateTenantKey): TenantKeySecret {
    this.state.get(tenantId);
    return this.keys.create(tenantId, input, this.now());
  }

  listKeys(tenantId: string): TenantApiKey[] {
    this.state.get(tenantId);
    return this.keys.list();
  }

  /** A key's scope and its tenant, or null: unknown key, unknown tenant or a destroyed one. */
  async verifyKey(apiKey: string): Promise<{ scope: TenantKeyScope; tenant: Tenant } | null> {
    const tenant = this.state.find();
    if (!tenant || tenant.provisioningStatus === "destroying") return null;
    const scope = await this.keys.verify(apiKey);
    return scope ? { scope, tenant } : null;
  }

  /**
   * The webhook work the tenant's state allows: `accept` new deliveries while active or suspended
   * (a suspended tenant's deliveries are kept and wait), `send` them only while active. A tenant
   * never provisioned, or destroyed, does neither.
   */
  webhookState(): { accept: boolean; send: boolean } {
    const status = this.state.find()?.provisioningStatus;
    return { accept: status === "active" || status === "suspended", send: status === "active" };
  }

  usage(tenantId: string): TenantUsage {
    const tenant = this.state.get(tenantId);
    return { objects: this.metadata.objects().length, records: this.records.counts(), deploymentsToday: this.log.lastDay(this.now()).count, storageBytes: this.storage.sql.databaseSize, quota: tenant.quota };
  }

  deploy(tenantId: string, bundle: DeployBundle, dryRun: boolean, raw: unknown): DeployOutcome {
    return runDeploy(this.#deps(), this.state.active(tenantId), bundle, { owner: "tenant", dryRun, raw });
  }

  deployment(tenantId: string, id: string): Deployment {
    this.state.get(tenantId);
    return requireDeployment(this.log, id);
  }

  /** The tenant's deployments, newest first (any state of the tenant but destroyed). */
  deployments(tenantId: string, cursor: string | undefined, limit: number): DeploymentPage {
    this.state.get(tenantId);
    return this.log.list(cursor, limit);
  }

  /** One tenant's step of a rollout (see `applyRollout`). */
  rollout(tenantId: string, step: RolloutStep): ReturnType<typeof applyRollout> {
    return applyRollout(this.#deps(), this.apps, tenantId, step);
  }

  install(tenantId: string, bundle: AppInstallBundle): ReturnType<typeof installApp> {
    return installApp(this.#deps(), this.apps, this.state.active(tenantId), bundle);
  }

  uninstall(tenantId: string, name: string): ReturnType<typeof uninstallApp> {
    return uninstallApp(this.#deps(), this.apps, this.state.active(tenantId), name);
  }

  /**
   * Runs `work` for a call that carries its tenant key unchecked (the records routes check it here,
   * in the call that does the work, not in a call of its own): 401 unless it verifies, 403 for a
   * read-only key that writes. Without a key (an admin's call, or a key already checked) at once.
   */
  async withKey<T>(apiKey: string | undefined, write: boolean, work: () => T): Promise<T> {
    if (apiKey !== undefined) {
      const verified = await this.verifyKey(apiKey);
      if (!verified) throw keyRefused();
      if (write && verified.scope === "read-only") throw readOnlyRefused();
    }
    return work();
  }

  listApps(tenantId: string): InstalledApp[] {
    this.state.active(tenantId);
    return this.apps.list();
  }

  createRecord(tenantId: string, object: string, input: unknown): TenantRecord {
    return this.records.create(object, input, this.state.active(tenantId).quota);
  }

  getRecord(tenantId: string, object: string, id: string): TenantRecord {
    this.state.active(tenantId);
    return this.records.get(object, id);
  }

  listRecords(tenantId: string, object: string, query: RecordQuery): RecordPage {
    this.state.active(tenantId);
    return this.records.list(object, query);
  }

  updateRecord(tenantId: string, object: string, id: string, input: unknown): TenantRecord {
    return this.records.update(object, id, input, this.state.active(tenantId).quota);
  }

  deleteRecord(tenantId: string, object: string, id: string): void {
    this.state.active(tenantId);
    this.records.remove(object, id);
  }

  #deps() {
    return { storage: this.storage, state: this.state, metadata: this.metadata, log: this.log, now: this.now };
  }
}

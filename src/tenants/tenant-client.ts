import type { Delivery } from "../shards/delivery.ts";
import type { AppInstallBundle, AppOperationResult, CreateTenantKey, DeployBundle, Deployment, DeploymentPage, InstalledApp, RecordPage, RecordQuery, Tenant, TenantApiKey, TenantCreated, TenantKeyScope, TenantKeySecret, TenantPage, TenantProvisioningStatus, TenantRecord, TenantUsage, RolloutOutcome } from "../spec/index.ts";
import { tenantObjectName } from "../webhooks/tenant-client.ts";
import { REGISTRY_OBJECT } from "./registry.ts";
import type { RolloutStep } from "./rollout-apply.ts";

/** The tenant RPCs of a `TenantObject`; failures travel as problems (`unwrap` re-throws them). */
export interface TenantStub {
  provisionTenant(tenant: Tenant): Promise<Delivery<TenantCreated>>;
  getTenant(id: string): Promise<Delivery<Tenant>>;
  transitionTenant(id: string, to: TenantProvisioningStatus): Promise<Delivery<Tenant>>;
  destroyTenant(id: string): Promise<Delivery<Tenant>>;
  createTenantKey(id: string, input: CreateTenantKey): Promise<Delivery<TenantKeySecret>>;
  listTenantKeys(id: string): Promise<Delivery<TenantApiKey[]>>;
  deleteTenantKey(id: string, keyId: string): Promise<Delivery<null>>;
  verifyTenantKey(apiKey: string): Promise<{ scope: TenantKeyScope; tenant: Tenant } | null>;
  tenantUsage(id: string): Promise<Delivery<TenantUsage>>;
  deploy(id: string, bundle: DeployBundle, dryRun: boolean, raw: unknown): Promise<Delivery<Deployment>>;
  applyRollout(id: string, step: RolloutStep): Promise<Delivery<RolloutOutcome>>;
  getDeployment(id: string, deploymentId: string): Promise<Delivery<Deployment>>;
  listDeployments(id: string, cursor: string | undefined, limit: number): Promise<Delivery<DeploymentPage>>;
  installApp(id: string, bundle: AppInstallBundle): Promise<Delivery<AppOperationResult>>;
  uninstallApp(id: string, name: string): Promise<Delivery<AppOperationResult>>;
  listApps(id: string): Promise<Delivery<InstalledApp[]>>;
  /** The records calls: `key`, when given, is the caller's tenant key, checked in the same call (`TenantHost.withKey`). */
  createRecord(id: string, object: string, input: unknown, key?: string): Promise<Delivery<TenantRecord>>;
  getRecord(id: string, object: string, recordId: string, key?: string): Promise<Delivery<TenantRecord>>;
  listRecords(id: string, object: string, query: RecordQuery, key?: string): Promise<Delivery<RecordPage>>;
  updateRecord(id: string, object: string, recordId: string, input: unknown, key?: string): Promise<Delivery<TenantRecord>>;
  deleteRecord(id: string, object: string, recordId: string, key?: string): Promise<Delivery<null>>;
}

/** The registry RPCs (of the object named `registry`). */
export interface RegistryStub {
  registryReserve(tenant: Tenant): Promise<Delivery<null>>;
  registryPut(tenant: Tenant): Promise<void>;
  registryRemove(id: string): Promise<void>;
  registryHas(id: string): Promise<boolean>;
  registryList(cursor: string | undefined, limit: number): Promise<TenantPage>;
}

interface Namespace<S> {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): S;
}

/** The `TenantObject` of a tenant. */
export function tenantStub(namespace: Namespace<TenantStub>, tenantId: string): TenantStub {
  return namespace.get(namespace.idFromName(tenantObjectName(tenantId)));
}

/** The tenant registry. */
export function registryStub(namespace: Namespace<RegistryStub>): RegistryStub {
  return namespace.get(namespace.idFromName(REGISTRY_OBJECT));
}

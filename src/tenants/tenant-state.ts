import { AppError, type ProvisioningStep, type Tenant, type TenantProvisioningStatus } from "../spec/index.ts";

interface MetaRow extends Record<string, SqlStorageValue> { body: string; status: string; metadata_version: number }

/** The tenant's own record in its database (one row), its provisioning steps and its metadata version. */
export class TenantState {
  constructor(private readonly sql: SqlStorage) {}

  /** The tenant, or undefined before provisioning (or after destruction). */
  find(): Tenant | undefined {
    const row = this.sql.exec<MetaRow>("SELECT * FROM tenant_meta WHERE one = 1").toArray()[0];
    return row ? { ...(JSON.parse(row.body) as Tenant), provisioningStatus: row.status as TenantProvisioningStatus } : undefined;
  }

  /** The tenant; 404 when it does not exist (what a caller of another tenant's path sees too). */
  get(tenantId: string): Tenant {
    const tenant = this.find();
    if (!tenant || tenant.id !== tenantId || tenant.provisioningStatus === "destroying") throw new AppError("not_found", `no tenant '${tenantId}'`);
    return tenant;
  }

  /** The tenant, for a data route: 423 `tenant_suspended` unless active. */
  active(tenantId: string): Tenant {
    const tenant = this.get(tenantId);
    if (tenant.provisioningStatus !== "active") throw new AppError("tenant_suspended", `tenant '${tenantId}' is ${tenant.provisioningStatus}`);
    return tenant;
  }

  put(tenant: Tenant): void {
    this.sql.exec("INSERT INTO tenant_meta (one, body, status) VALUES (1, ?, ?) ON CONFLICT (one) DO UPDATE SET body = excluded.body, status = excluded.status", JSON.stringify(tenant), tenant.provisioningStatus);
  }

  setStatus(tenantId: string, status: TenantProvisioningStatus, now: number): Tenant {
    const tenant = { ...this.get(tenantId), provisioningStatus: status, updatedAt: new Date(now).toISOString() };
    this.put(tenant);
    return tenant;
  }

  step(step: ProvisioningStep): void {
    this.sql.exec("INSERT OR REPLACE INTO tenant_provisioning (step, status, duration_ms, seq) VALUES (?, ?, ?, (SELECT COUNT(*) FROM tenant_provisioning))", step.name, step.status, step.durationMs);
  }

  steps(): ProvisioningStep[] {
    return this.sql.exec<{ step: string; status: string; duration_ms: number }>("SELECT * FROM tenant_provisioning ORDER BY seq").toArray().map((r) => ({ name: r.step as ProvisioningStep["name"], status: r.status as ProvisioningStep["status"], durationMs: r.duration_ms }));
  }

  metadataVersion(): number {
    return this.sql.exec<{ v: number }>("SELECT metadata_version AS v FROM tenant_meta WHERE one = 1").toArray()[0]?.v ?? 0;
  }

  setMetadataVersion(version: number): void {
    this.sql.exec("UPDATE tenant_meta SET metadata_version = ? WHERE one = 1", version);
  }
}

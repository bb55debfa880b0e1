import { AppError, type Tenant, type TenantPage } from "../spec/index.ts";

/** The Durable Object name of the tenant registry (in the TENANTS namespace; never a tenant: tenant objects are `tenant/<id>`). */
export const REGISTRY_OBJECT = "registry";

/** The registry of every tenant (`tenant_registry` of the registry object), ordered by id. */
export class RegistryStore {
  constructor(private readonly sql: SqlStorage) {}

  /** Reserves an id; 409 `conflict` when taken. */
  reserve(tenant: Tenant): void {
    if (this.has(tenant.id)) throw new AppError("conflict", `tenant '${tenant.id}' exists`);
    this.put(tenant);
  }

  /** Whether the id is registered, in any state (reserved, active, suspended, failed). */
  has(id: string): boolean {
    return this.sql.exec("SELECT 1 FROM tenant_registry WHERE tenant_id = ?", id).toArray().length > 0;
  }

  put(tenant: Tenant): void {
    this.sql.exec("INSERT INTO tenant_registry (tenant_id, body) VALUES (?, ?) ON CONFLICT (tenant_id) DO UPDATE SET body = excluded.body", tenant.id, JSON.stringify(tenant));
  }

  remove(id: string): void {
    this.sql.exec("DELETE FROM tenant_registry WHERE tenant_id = ?", id);
  }

  list(cursor: string | undefined, limit: number): TenantPage {
    const rows = this.sql.exec<{ tenant_id: string; body: string }>("SELECT * FROM tenant_registry WHERE tenant_id > ? ORDER BY tenant_id LIMIT ?", cursor ?? "", limit + 1).toArray();
    const items = rows.slice(0, limit).map((r) => JSON.parse(r.body) as Tenant);
    return { items, nextCursor: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null };
  }
}

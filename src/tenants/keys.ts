import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { secretsEqual } from "../security/constant-time.ts";
import { AppError, type CreateTenantKey, type TenantApiKey, type TenantKeyScope, type TenantKeySecret } from "../spec/index.ts";

/** Keys per tenant (409 `conflict` beyond). */
export const MAX_KEYS_PER_TENANT = 50;

const KEY = /^dck_([a-z][a-z0-9-]{0,62})_([A-Za-z0-9_-]{43})$/;

/** The tenant named by a key `dck_<tenantId>_<secret>`, or undefined when it is not shaped like one. */
export function tenantOfKey(key: string): string | undefined {
  return KEY.exec(key)?.[1];
}

/** 401 for a tenant key that does not verify (unknown, revoked, or its tenant destroyed). */
export const keyRefused = (): AppError => new AppError("unauthorized", "invalid bearer token", { headers: { "WWW-Authenticate": 'Bearer realm="durable-cluster"' } });

/** 403 for a read-only key on a route that writes. */
export const readOnlyRefused = (): AppError => new AppError("forbidden", "a read-only key may only read");

/** sha256 hex of a key: what is stored (the key itself never is). */
export const hashKey = (key: string): string => bytesToHex(sha256(new TextEncoder().encode(key)));

function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

interface KeyRow extends Record<string, SqlStorageValue> { id: string; hash: string; scope: string; name: string | null; prefix: string; created_at: number }

const toKey = (r: KeyRow): TenantApiKey => ({ id: r.id, name: r.name, scope: r.scope as TenantKeyScope, prefix: r.prefix, createdAt: new Date(r.created_at).toISOString() });

/** A tenant's API keys, hashed at rest, in its own database. */
export class KeyStore {
  constructor(private readonly sql: SqlStorage) {}

  create(tenantId: string, input: CreateTenantKey, now: number): TenantKeySecret {
    const count = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM tenant_keys").one().n;
    if (count >= MAX_KEYS_PER_TENANT) throw new AppError("conflict", `a tenant has at most ${MAX_KEYS_PER_TENANT} keys`);
    const apiKey = `dck_${tenantId}_${newSecret()}`;
    const row: KeyRow = { id: `kid_${bytesToHex(crypto.getRandomValues(new Uint8Array(12)))}`, hash: hashKey(apiKey), scope: input.scope, name: input.name ?? null, prefix: apiKey.slice(0, tenantId.length + 9), created_at: now };
    this.sql.exec("INSERT INTO tenant_keys (id, hash, scope, name, prefix, created_at) VALUES (?, ?, ?, ?, ?, ?)", row.id, row.hash, row.scope, row.name, row.prefix, row.created_at);
    return { key: toKey(row), apiKey };
  }

  list(): TenantApiKey[] {
    return this.sql.exec<KeyRow>("SELECT * FROM tenant_keys ORDER BY created_at, id").toArray().map(toKey);
  }

  remove(id: string): void {
    if (this.sql.exec("DELETE FROM tenant_keys WHERE id = ?", id).rowsWritten === 0) throw new AppError("not_found", `no key '${id}'`);
  }

  /** The scope of a valid key, else null. Compares against every stored hash in constant time. */
  async verify(apiKey: string): Promise<TenantKeyScope | null> {
    const given = hashKey(apiKey);
    let scope: TenantKeyScope | null = null;
    for (const row of this.sql.exec<KeyRow>("SELECT * FROM tenant_keys").toArray()) {
      if (await secretsEqual(given, row.hash)) scope = row.scope as TenantKeyScope;
    }
    return scope;
  }
}

import { AppError, type QuotaEnforcementResult, type TenantQuota } from "../spec/index.ts";

/** Whether `current + adding` stays within a quota's limit. */
export function checkQuota(quota: TenantQuota, name: keyof TenantQuota, current: number, adding = 1): QuotaEnforcementResult {
  const limit = quota[name];
  return { allowed: current + adding <= limit, quota: name, current, limit };
}

/** Throws 403 `quota_exceeded` with the result (and `Retry-After` seconds when waiting helps). */
export function enforceQuota(result: QuotaEnforcementResult, retryAfterSeconds?: number): void {
  if (result.allowed) return;
  const headers: Record<string, string> = retryAfterSeconds === undefined ? {} : { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) };
  throw new AppError("quota_exceeded", `${result.quota} is ${result.limit}; current usage is ${result.current}`, { extra: { ...result }, headers });
}

/** Storage is checked before a write: the database may not already be at or beyond its limit. */
export function checkStorage(quota: TenantQuota, databaseBytes: number): QuotaEnforcementResult {
  return { allowed: databaseBytes < quota.maxStorageBytes, quota: "maxStorageBytes", current: databaseBytes, limit: quota.maxStorageBytes };
}

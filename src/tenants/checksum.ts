import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { DeployManifest } from "../spec/index.ts";

/** JSON with object keys sorted at every level: the same metadata always has the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * A manifest's checksum: sha256 hex of the canonical JSON of `{ objects, views, flows, permissions }`
 * as given (before defaults are applied).
 *
 * @example manifest.checksum = manifestChecksum(manifest)
 */
export function manifestChecksum(manifest: Pick<DeployManifest, "objects"> & Partial<Pick<DeployManifest, "views" | "flows" | "permissions">> | Record<string, unknown>): string {
  const m = manifest as Record<string, unknown>;
  const body = { objects: m.objects ?? [], views: m.views ?? [], flows: m.flows ?? [], permissions: m.permissions ?? [] };
  return bytesToHex(sha256(new TextEncoder().encode(canonicalJson(body))));
}

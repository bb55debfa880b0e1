import { checkOutboundUrl } from "../security/ssrf.ts";
import { AppError, type CreateWebhook, type UpdateWebhook, type WebhookEndpoint, type WebhookEndpointId, type WebhookSecret } from "../spec/index.ts";
import { generateSecret } from "./signature.ts";

/** Both secrets sign for this long after a rotation (24 h). */
export const ROTATION_WINDOW_MS = 24 * 3_600_000;

/** Endpoints per tenant. */
export const MAX_ENDPOINTS = 100;

/** An endpoint row as stored (secrets included). */
export interface EndpointRow extends Record<string, SqlStorageValue> {
  id: string;
  url: string;
  events: string;
  description: string | null;
  rate_limit: number | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: number | null;
  disabled_reason: string | null;
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The API view of a row: never the secret. */
export function endpointView(row: EndpointRow, now: number): WebhookEndpoint {
  const rotating = row.previous_secret_until !== null && row.previous_secret_until > now;
  return {
    id: row.id as WebhookEndpointId,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    description: row.description,
    rateLimitPerSecond: row.rate_limit,
    disabled: row.disabled_reason !== null,
    disabledReason: row.disabled_reason as WebhookEndpoint["disabledReason"],
    failingSince: iso(row.failing_since),
    secretRotationEndsAt: rotating ? iso(row.previous_secret_until) : null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** The secrets that sign an attempt at `now`: the current one, and the previous one during its window. */
export function signingSecrets(row: EndpointRow, now: number): string[] {
  return row.previous_secret !== null && row.previous_secret_until !== null && row.previous_secret_until > now ? [row.secret, row.previous_secret] : [row.secret];
}

/** Whether an endpoint subscribes to an event type (`*` matches every type). */
export function matches(row: EndpointRow, type: string): boolean {
  const events = JSON.parse(row.events) as string[];
  return events.includes("*") || events.includes(type);
}

/** Refuses a URL the SSRF guard refuses: 400 with the path `url`. */
export function assertUrl(url: string, allowPrivate: boolean): void {
  const check = checkOutboundUrl(url, { allowPrivate });
  if (!check.ok) throw new AppError("validation_failed", `webhook url refused: ${check.reason}`, { extra: { errors: [{ path: "url", message: check.reason }] } });
}

/** `<prefix>` + 24 random hex characters. */
export function randomId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Endpoint storage of one tenant. */
export class EndpointStore {
  constructor(private readonly sql: SqlStorage) {}

  find(id: string): EndpointRow | undefined {
    return this.sql.exec<EndpointRow>("SELECT * FROM webhook_endpoints WHERE id = ?", id).toArray()[0];
  }

  get(id: string): EndpointRow {
    const row = this.find(id);
    if (!row) throw new AppError("not_found", `no webhook endpoint '${id}'`);
    return row;
  }

  list(): EndpointRow[] {
    return this.sql.exec<EndpointRow>("SELECT * FROM webhook_endpoints ORDER BY created_at, id").toArray();
  }

  /** Enabled endpoints that subscribe to `type`. */
  subscribers(type: string): EndpointRow[] {
    return this.sql.exec<EndpointRow>("SELECT * FROM webhook_endpoints WHERE disabled_reason IS NULL").toArray().filter((row) => matches(row, type));
  }

  create(input: CreateWebhook, allowPrivate: boolean, now: number): WebhookSecret {
    assertUrl(input.url, allowPrivate);
    const count = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_endpoints").one().n;
    if (count >= MAX_ENDPOINTS) throw new AppError("conflict", `a tenant has at most ${MAX_ENDPOINTS} webhook endpoints`);
    const id = randomId("ep_");
    const secret = generateSecret();
    this.sql.exec(
      "INSERT INTO webhook_endpoints (id, url, events, description, rate_limit, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      id, input.url, JSON.stringify(input.events), input.description ?? null, input.rateLimitPerSecond ?? null, secret, now, now,
    );
    return { ...endpointView(this.get(id), now), secret };
  }

  update(id: string, patch: UpdateWebhook, allowPrivate: boolean, now: number): EndpointRow {
    const row = this.get(id);
    if (patch.url !== undefined) assertUrl(patch.url, allowPrivate);
    const disabledReason = patch.disabled === undefined ? row.disabled_reason : patch.disabled ? (row.disabled_reason ?? "manual") : null;
    const failingSince = patch.disabled === false ? null : row.failing_since;
    this.sql.exec(
      "UPDATE webhook_endpoints SET url = ?, events = ?, description = ?, rate_limit = ?, disabled_reason = ?, failing_since = ?, updated_at = ? WHERE id = ?",
      patch.url ?? row.url, patch.events ? JSON.stringify(patch.events) : row.events,
      patch.description === undefined ? row.description : patch.description,
      patch.rateLimitPerSecond === undefined ? row.rate_limit : patch.rateLimitPerSecond,
      disabledReason, failingSince, now, id,
    );
    return this.get(id);
  }

  /** A new secret; the previous one keeps signing for 24 h. */
  rotate(id: string, now: number): WebhookSecret {
    const row = this.get(id);
    const secret = generateSecret();
    this.sql.exec("UPDATE webhook_endpoints SET secret = ?, previous_secret = ?, previous_secret_until = ?, updated_at = ? WHERE id = ?", secret, row.secret, now + ROTATION_WINDOW_MS, now, id);
    return { ...endpointView(this.get(id), now), secret };
  }

  /** Deletes the endpoint with its deliveries and their attempts. */
  remove(id: string): void {
    this.get(id);
    this.sql.exec("DELETE FROM webhook_attempts WHERE delivery_seq IN (SELECT seq FROM webhook_deliveries WHERE endpoint_id = ?)", id);
    this.sql.exec("DELETE FROM webhook_deliveries WHERE endpoint_id = ?", id);
    this.sql.exec("DELETE FROM webhook_endpoints WHERE id = ?", id);
  }

  /** Marks an attempt's outcome on the endpoint: a success ends a failure streak, a failure starts one. */
  recordOutcome(id: string, ok: boolean, now: number): void {
    if (ok) this.sql.exec("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ?", id);
    else this.sql.exec("UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, ?) WHERE id = ?", now, id);
  }

  disable(id: string, reason: "gone" | "failing", now: number): void {
    this.sql.exec("UPDATE webhook_endpoints SET disabled_reason = ?, updated_at = ? WHERE id = ? AND disabled_reason IS NULL", reason, now, id);
  }
}

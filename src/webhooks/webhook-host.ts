import { deleteAlarm, setAlarm } from "../storage/alarms.ts";
import type { CreateWebhook, UpdateWebhook, WebhookDelivery, WebhookDeliveryPage, WebhookDeliveryQuery, WebhookEndpoint, WebhookEndpointDisabled, WebhookSecret } from "../spec/index.ts";
import { sendAttempt, type AttemptOutcome, type Fetcher } from "./attempt.ts";
import { DeliveryStore, type DeliveryRow, type WebhookEvent } from "./deliveries.ts";
import { EndpointStore, endpointView, signingSecrets, type EndpointRow } from "./endpoints.ts";
import { DeliveryRetention } from "./retention.ts";
import { DISABLE_AFTER_MS, nextRetryDelayMs } from "./schedule.ts";

/** Deliveries attempted concurrently per claim round, and claim rounds per alarm run. */
export const BATCH_SIZE = 25;
export const ROUNDS_PER_RUN = 8;

export interface WebhookHostDeps {
  readonly fetch: Fetcher;
  readonly now: () => number;
  /** WEBHOOKS_ALLOW_PRIVATE: http:// and private hosts allowed (development only). */
  readonly allowPrivate: boolean;
  /** WEBHOOK_RETRY_SCHEDULE_SCALE (default 1). */
  readonly scale: number;
  readonly random?: () => number;
  /** Called after the commit that disabled an endpoint (410 or 5 days failing); its failure is logged, never rolled back. */
  readonly onDisabled: (event: WebhookEndpointDisabled) => Promise<void>;
}

/**
 * The webhooks of one tenant, in its `TenantObject`: endpoints, deliveries and the dispatcher.
 * Retries and retention are driven by the object's single alarm, always set to the earlier of the
 * earliest due delivery of an enabled endpoint and the next finished delivery to prune (or cleared):
 * nothing polls.
 */
export class WebhookHost {
  readonly endpoints: EndpointStore;
  readonly deliveries: DeliveryStore;
  readonly retention: DeliveryRetention;
  /** Attempts per endpoint in the current second (memory: an eviction starts a fresh second). */
  readonly #sent = new Map<string, { second: number; count: number }>();

  constructor(private readonly storage: DurableObjectStorage, private readonly deps: WebhookHostDeps) {
    this.endpoints = new EndpointStore(storage.sql);
    this.deliveries = new DeliveryStore(storage.sql);
    this.retention = new DeliveryRetention(storage.sql);
  }

  create(input: CreateWebhook): WebhookSecret {
    return this.endpoints.create(input, this.deps.allowPrivate, this.deps.now());
  }

  list(): WebhookEndpoint[] {
    const now = this.deps.now();
    return this.endpoints.list().map((row) => endpointView(row, now));
  }

  get(id: string): WebhookEndpoint {
    return endpointView(this.endpoints.get(id), this.deps.now());
  }

  async update(id: string, patch: UpdateWebhook): Promise<WebhookEndpoint> {
    const row = this.endpoints.update(id, patch, this.deps.allowPrivate, this.deps.now());
    await this.arm();
    return endpointView(row, this.deps.now());
  }

  async remove(id: string): Promise<void> {
    this.storage.transactionSync(() => this.endpoints.remove(id));
    await this.arm();
  }

  rotate(id: string): WebhookSecret {
    return this.endpoints.rotate(id, this.deps.now());
  }

  /** One delivery per enabled endpoint subscribed to the event type, exactly once per (endpoint, event id). */
  async enqueue(event: WebhookEvent): Promise<{ created: number }> {
    const now = this.deps.now();
    const created = this.storage.transactionSync(() => this.deliveries.enqueue(this.endpoints.subscribers(event.type), event, now));
    if (created > 0) await this.arm();
    return { created };
  }

  listDeliveries(endpointId: string, query: WebhookDeliveryQuery): WebhookDeliveryPage {
    this.endpoints.get(endpointId);
    return this.deliveries.list(endpointId, query);
  }

  async replay(endpointId: string, deliveryId: string): Promise<WebhookDelivery> {
    this.endpoints.get(endpointId);
    this.deliveries.replay(endpointId, deliveryId, this.deps.now());
    await this.arm();
    return this.deliveries.get(endpointId, deliveryId);
  }

  /** Sets the alarm to the earlier of the earliest due delivery and the next prune, or clears it. */
  async arm(): Promise<void> {
    const times = [this.deliveries.nextDue(), this.retention.nextPruneAt()].filter((t) => t !== null);
    if (times.length === 0) await deleteAlarm(this.storage);
    else await setAlarm(this.storage, Math.min(...times));
  }

  /**
   * The alarm: attempts every due delivery (in rounds of `BATCH_SIZE`), prunes one bounded batch of
   * expired finished deliveries, then re-arms (at once when expired ones are left).
   */
  async runDue(): Promise<number> {
    let attempted = 0;
    for (let round = 0; round < ROUNDS_PER_RUN; round++) {
      const now = this.deps.now();
      const claimed = this.storage.transactionSync(() => this.deliveries.claimDue(now, BATCH_SIZE));
      if (claimed.length === 0) break;
      const results = await Promise.all(claimed.map((row) => this.attempt(row, now)));
      attempted += results.filter(Boolean).length;
    }
    const now = this.deps.now();
    this.storage.transactionSync(() => this.retention.prune(now));
    await this.arm();
    return attempted;
  }

  private async attempt(row: DeliveryRow, now: number): Promise<boolean> {
    const endpoint = this.endpoints.find(row.endpoint_id);
    if (!endpoint) return false;
    const second = Math.floor(now / 1000);
    const window = this.#sent.get(endpoint.id);
    const count = window?.second === second ? window.count : 0;
    if (endpoint.rate_limit !== null && count >= endpoint.rate_limit) {
      this.deliveries.postpone(row.seq, (second + 1) * 1000);
      return false;
    }
    this.#sent.set(endpoint.id, { second, count: count + 1 });
    const outcome = await sendAttempt({ url: endpoint.url, eventId: row.event_id, body: row.body, secrets: signingSecrets(endpoint, now), allowPrivate: this.deps.allowPrivate }, this.deps.fetch, this.deps.now);
    const disabled = this.storage.transactionSync(() => this.record(row, endpoint, now, outcome));
    if (disabled) {
      try {
        await this.deps.onDisabled(disabled);
      } catch (err) {
        console.error(`webhook.endpoint_disabled for ${endpoint.id} was not published`, err);
      }
    }
    return true;
  }

  /** Stores the attempt, moves the delivery on, and disables the endpoint on a 410 or after 5 days of failures. */
  private record(claimed: DeliveryRow, endpoint: EndpointRow, at: number, outcome: AttemptOutcome): WebhookEndpointDisabled | undefined {
    // Re-read both: the endpoint may have been deleted or changed, the delivery replayed, while the request was out.
    const current = this.endpoints.find(endpoint.id);
    const row = this.deliveries.row(claimed.seq);
    if (!current || row?.status !== "pending") return undefined;
    const now = this.deps.now();
    const delay = outcome.ok ? null : nextRetryDelayMs(row.round_failures + 1, { scale: this.deps.scale, ...(this.deps.random ? { random: this.deps.random } : {}) }, outcome.retryAfterMs);
    this.deliveries.recordAttempt(row, { at, statusCode: outcome.statusCode, latencyMs: outcome.latencyMs, error: outcome.error, nextRetryAt: delay === null ? null : now + delay });
    this.endpoints.recordOutcome(endpoint.id, outcome.ok, at);
    if (current.disabled_reason !== null) return undefined;
    const failingSince = this.endpoints.get(endpoint.id).failing_since;
    const reason = outcome.gone ? "gone" : failingSince !== null && now - failingSince >= DISABLE_AFTER_MS * this.deps.scale ? "failing" : undefined;
    if (!reason) return undefined;
    this.endpoints.disable(endpoint.id, reason, now);
    return { endpointId: endpoint.id, url: endpoint.url, reason, failingSince: failingSince === null ? null : new Date(failingSince).toISOString() };
  }
}

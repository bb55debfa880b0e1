import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { Router } from "../shards/index.ts";
import { AppError, assertDepth, EventIdSchema, type PublishEvent } from "../spec/index.ts";
import { eventChannel } from "../storage/event-channel.ts";
import { assertEmitFits, batches, jsonBytes } from "../storage/event-size.ts";
import type { EventRegistry } from "./define.ts";
import type { PublishInput } from "./publisher.ts";

/** Channels used as EventBus keys as they are; any other is hashed. Fixed: it decides which owner sequences a channel. */
const PLAIN_CHANNEL = /^[A-Za-z0-9._:@~+=-]{1,256}$/;

/**
 * The EventBus key that owns an event: its channel (the partition key, else its id; prefixed
 * `<tenantId>:` for a tenant's events), hashed unless it is 1–256 of `[A-Za-z0-9._:@~+=-]`. Each
 * tenant's events of one partition key are thus sequenced by their own owner.
 */
export function ownerKey(partitionKey: string | undefined, eventId: string, tenantId?: string): string {
  const channel = eventChannel(partitionKey ?? eventId, tenantId);
  return PLAIN_CHANNEL.test(channel) ? channel : `pk.${bytesToHex(sha256(new TextEncoder().encode(channel)))}`;
}

/** What the `EventBus` owner stores for one event, checked here (400, 413: nothing stored). */
function publishInput(registry: EventRegistry, event: PublishEvent, id: string): PublishInput {
  const parsedId = EventIdSchema.safeParse(id);
  if (!parsedId.success) throw new AppError("validation_failed", "the event id (Idempotency-Key) must be 1–128 of [A-Za-z0-9._:-]", { extra: { errors: [{ path: "headers.idempotency-key", message: "invalid event id" }] } });
  if (event.scope === "tenant" && !event.tenantId) throw new AppError("validation_failed", "a tenant-scoped event needs tenantId", { extra: { errors: [{ path: "tenantId", message: "required with scope tenant" }] } });
  assertDepth(event.payload, `the payload of ${event.type}`);
  const { payload } = registry.validate(event.type, event.payload, {});
  const input = { eventId: parsedId.data, type: event.type, payload, scope: event.scope, ...(event.partitionKey ? { partitionKey: event.partitionKey } : {}), ...(event.tenantId ? { tenantId: event.tenantId } : {}) };
  assertEmitFits(input);
  return input;
}

/**
 * Publishes an event from outside an entity: checked against the registry first (400, nothing
 * stored) and against the Queue's message size (413 `payload_too_large`, nothing stored), then emitted by the `EventBus` entity that owns its partition key, so it is durable in
 * an outbox when this resolves. `eventId` (an Idempotency-Key) makes a repeat a duplicate.
 */
export async function publishEvent(router: Router, registry: EventRegistry, event: PublishEvent, eventId?: string): Promise<{ eventId: string; duplicate: boolean }> {
  const id = eventId ?? `evt_${crypto.randomUUID()}`;
  const input = publishInput(registry, event, id);
  // A fixed id (an Idempotency-Key) keeps a dedup record at the owner, so a repeat answers as a
  // duplicate for 24 h. A new id needs none: nobody can send it again, and the outbox keeps one row
  // per event id, so even a repeated call stores nothing twice (one write fewer per event).
  const result = await router.request("EventBus", ownerKey(event.partitionKey, id, event.tenantId), "publish", input, eventId === undefined ? {} : { messageId: id });
  return { eventId: id, duplicate: result.duplicate };
}

/** Events per `publishBatch` call (one transaction at the owner), and their bytes: well under the router's 1 MiB per message. */
const PUBLISH_BATCH = 100;
const PUBLISH_BATCH_BYTES = 512_000;

/**
 * Publishes several events, each with its fixed id, as `publishEvent` does, but in as few calls to
 * each owner as fit (100 events, 512,000 bytes): the owner writes a call's events in one
 * transaction and relays them in as few Queue batches as fit. An owner's calls go one after
 * another, so its events are sequenced in the order given; owners are called side by side. All
 * are checked before any is sent. A retried call stores nothing twice: the outbox keeps one row
 * per event id (an id already there is skipped).
 */
export async function publishEvents(router: Router, registry: EventRegistry, events: readonly { event: PublishEvent; eventId: string }[]): Promise<void> {
  const byOwner = new Map<string, PublishInput[]>();
  for (const { event, eventId } of events) {
    const owner = ownerKey(event.partitionKey, eventId, event.tenantId);
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), publishInput(registry, event, eventId)]);
  }
  await Promise.all(
    [...byOwner].map(async ([owner, inputs]) => {
      for (const batch of batches(inputs, jsonBytes, PUBLISH_BATCH, PUBLISH_BATCH_BYTES)) {
        // The ids' hash, cut to the 64 characters a dedup record keeps as they are.
        const messageId = `batch.${bytesToHex(sha256(new TextEncoder().encode(batch.map((e) => e.eventId).join("\n")))).slice(0, 58)}`;
        await router.request("EventBus", owner, "publishBatch", { events: batch }, { messageId });
      }
    }),
  );
}

/** The event actions of scheduled tasks, bound to the app's registry. */
export function actionEvents(router: Router, registry: EventRegistry): { validate: (type: string, payload: unknown) => unknown; publish: (event: { type: string; payload: unknown; partitionKey?: string | undefined }, eventId: string) => Promise<unknown> } {
  return {
    validate: (type, payload) => registry.validate(type, payload, {}),
    publish: (event, eventId) => publishEvent(router, registry, { type: event.type, payload: event.payload, scope: "cluster", ...(event.partitionKey ? { partitionKey: event.partitionKey } : {}) }, eventId),
  };
}

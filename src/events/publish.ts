import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import type { Router } from "../shards/index.ts";
import { AppError, assertDepth, EventIdSchema, type PublishEvent } from "../spec/index.ts";
import { eventChannel } from "../storage/event-channel.ts";
import { assertEmitFits } from "../storage/event-size.ts";
import type { EventRegistry } from "./define.ts";

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

/**
 * Publishes an event from outside an entity: checked against the registry first (400, nothing
 * stored) and against the Queue's message size (413 `payload_too_large`, nothing stored), then emitted by the `EventBus` entity that owns its partition key, so it is durable in
 * an outbox when this resolves. `eventId` (an Idempotency-Key) makes a repeat a duplicate.
 */
export async function publishEvent(router: Router, registry: EventRegistry, event: PublishEvent, eventId?: string): Promise<{ eventId: string; duplicate: boolean }> {
  const id = eventId ?? `evt_${crypto.randomUUID()}`;
  const parsedId = EventIdSchema.safeParse(id);
  if (!parsedId.success) throw new AppError("validation_failed", "the event id (Idempotency-Key) must be 1–128 of [A-Za-z0-9._:-]", { extra: { errors: [{ path: "headers.idempotency-key", message: "invalid event id" }] } });
  if (event.scope === "tenant" && !event.tenantId) throw new AppError("validation_failed", "a tenant-scoped event needs tenantId", { extra: { errors: [{ path: "tenantId", message: "required with scope tenant" }] } });
  assertDepth(event.payload, `the payload of ${event.type}`);
  const { payload } = registry.validate(event.type, event.payload, {});
  const input = { eventId: parsedId.data, type: event.type, payload, scope: event.scope, ...(event.partitionKey ? { partitionKey: event.partitionKey } : {}), ...(event.tenantId ? { tenantId: event.tenantId } : {}) };
  assertEmitFits(input);
  const result = await router.request("EventBus", ownerKey(event.partitionKey, id, event.tenantId), "publish", input, { messageId: id });
  return { eventId: id, duplicate: result.duplicate };
}

/** The event actions of scheduled tasks, bound to the app's registry. */
export function actionEvents(router: Router, registry: EventRegistry): { validate: (type: string, payload: unknown) => unknown; publish: (event: { type: string; payload: unknown; partitionKey?: string | undefined }, eventId: string) => Promise<unknown> } {
  return {
    validate: (type, payload) => registry.validate(type, payload, {}),
    publish: (event, eventId) => publishEvent(router, registry, { type: event.type, payload: event.payload, scope: "cluster", ...(event.partitionKey ? { partitionKey: event.partitionKey } : {}) }, eventId),
  };
}

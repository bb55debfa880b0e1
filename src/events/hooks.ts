import type { Router } from "../shards/index.ts";
import type { StreamHooks } from "../shards/ordered-delivery.ts";
import type { ShardHooks } from "../shards/shard-host.ts";
import { EventMessageSchema, runtimeConfig, type EventMessage } from "../spec/index.ts";
import { ackOutbox, outboxRowOf, type PendingEvent } from "../storage/outbox.ts";
import type { EventRegistry } from "./define.ts";
import { deliverToSubscription, receives } from "./deliver.ts";
import { deadLetters } from "./dlq-client.ts";
import { producerStub, type ResendRequest } from "./producer-client.ts";
import { withQueueFaults } from "./queue-faults.ts";
import { relayOutbox, sendCommitted, toMessage } from "./relay.ts";
import type { ClusterEnv } from "../env.ts";
import { clock } from "../clock.ts";

/** What a producer object answers for its outbox: acknowledgements, and a sequence asked again. */
export interface ProducerHooks {
  ack(sql: SqlStorage, eventIds: readonly string[]): number;
  /** The event of a sequence, if still kept, sent again at once to the asking `subscription` only. */
  resend(sql: SqlStorage, producer: string, request: ResendRequest): Promise<EventMessage | null>;
}

/**
 * What the events capability plugs into every object that emits, and into its ordered streams: the
 * emit-time registry check; the outbox relay to the `events` Queue (rows it gives up on go to the
 * event dead letters); in-process delivery of local-scope events after their commit (best-effort);
 * acknowledgements and re-sends of owed rows; and, for streams waiting on a gap, handing a held event
 * back to the Queue, asking the producer for a missing sequence, the gap dead letter and the
 * stuck-stream list.
 */
export function shardEventHooks(env: ClusterEnv, registry: EventRegistry, router: () => Router): Required<Pick<ShardHooks, "validateEvent" | "relay" | "sendCommitted" | "ackTimeoutMs" | "deliverLocal">> & { streams: StreamHooks; producer: ProducerHooks } {
  const queue = () => withQueueFaults(env.EVENTS);
  const dlq = () => deadLetters(env.SINGLETONS);
  const ackTimeoutMs = runtimeConfig(env).EVENT_ACK_TIMEOUT_MS;
  const targets = () => ({ queue: queue(), ackTimeoutMs, deadLetter: (event: EventMessage, error: { message: string; code: string }, attempts: number) => dlq().storeUnrelayedEvent(event, error, attempts) });
  return {
    validateEvent: registry.validate,
    ackTimeoutMs,
    relay: async (sql, producer) => (await relayOutbox(sql, targets(), producer)).nextDue,
    sendCommitted: (sql, producer, rows) => sendCommitted(sql, targets(), producer, rows),
    deliverLocal: async (events: readonly PendingEvent[]) => {
      const deps = { env, router: router(), tenantIsolation: runtimeConfig(env).TENANT_ISOLATION };
      for (const event of events) {
        const message: EventMessage = {
          eventId: event.eventId as EventMessage["eventId"], type: event.type, version: event.version, payload: event.payload,
          scope: "local", delivery: "best-effort", producer: "local", emittedAt: clock.now(),
        };
        for (const sub of registry.subscriptionsOf(event.type).filter((s) => receives(s, message))) {
          await deliverToSubscription(sub, message, deps, 1).catch((err: unknown) => console.error(`local event ${event.type} to ${sub.name} failed`, err));
        }
      }
    },
    streams: {
      requeue: async (original) => void (await queue().send(original, { contentType: "json" })),
      refetch: async (original, sequence) => {
        const held = EventMessageSchema.parse(original);
        if (held.partitionKey === undefined) return null;
        const request = { partitionKey: held.partitionKey, ...(held.tenantId === undefined ? {} : { tenantId: held.tenantId }), sequence, ...(held.subscription === undefined ? {} : { subscription: held.subscription }) };
        return producerStub(env.SHARDS, held.producer).resendEvent(request);
      },
      deadLetterGap: async ({ object, stream, sequence, original, event, refetches }) => {
        const held = EventMessageSchema.parse(original);
        const missing = event === null ? null : EventMessageSchema.parse(event);
        await dlq().storeGapDeadLetter({ object, stream, sequence, producer: held.producer, type: held.type, subscription: held.subscription ?? null, event: missing }, refetches);
      },
      reportStuck: (object, waiting) => dlq().reportStuckStream({ object, ...waiting }),
      clearStuck: (object, stream) => dlq().clearStuckStream(object, stream),
    },
    producer: {
      ack: (sql, eventIds) => ackOutbox(sql, eventIds, clock.now()),
      async resend(sql, producer, request) {
        const row = outboxRowOf(sql, request.partitionKey, request.tenantId, request.sequence);
        if (!row) return null;
        const message = toMessage(row, producer);
        // A copy for the asking stream only: the other subscriptions have it, or have the row's own re-sends coming.
        if (request.subscription !== undefined) await queue().send({ ...message, subscription: request.subscription }, { contentType: "json" });
        return message;
      },
    },
  };
}

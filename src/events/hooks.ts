import type { Router } from "../shards/index.ts";
import type { ShardHooks } from "../shards/shard-host.ts";
import { runtimeConfig, type EventMessage } from "../spec/index.ts";
import type { PendingEvent } from "../storage/outbox.ts";
import type { EventRegistry } from "./define.ts";
import { deliverToSubscription, receives } from "./deliver.ts";
import { deadLetters } from "./dlq-client.ts";
import { relayOutbox } from "./relay.ts";
import type { ClusterEnv } from "../env.ts";

/**
 * What the events capability plugs into every object that emits: the emit-time registry check,
 * the outbox relay to the `events` Queue (rows it gives up on go to the event dead letters), in-process delivery of local-scope events after their
 * commit (best-effort: one attempt, failures logged), and handing a held event back to the Queue.
 */
export function shardEventHooks(env: ClusterEnv, registry: EventRegistry, router: () => Router): Required<Pick<ShardHooks, "validateEvent" | "relay" | "deliverLocal">> & { requeue: (original: unknown) => Promise<void> } {
  return {
    validateEvent: registry.validate,
    relay: async (sql, producer) => (await relayOutbox(sql, { queue: env.EVENTS, deadLetter: (event, error, attempts) => deadLetters(env.SINGLETONS).storeUnrelayedEvent(event, error, attempts) }, producer)).nextDue,
    deliverLocal: async (events: readonly PendingEvent[]) => {
      const deps = { env, router: router(), tenantIsolation: runtimeConfig(env).TENANT_ISOLATION };
      for (const event of events) {
        const message: EventMessage = {
          eventId: event.eventId as EventMessage["eventId"], type: event.type, version: event.version, payload: event.payload,
          scope: "local", delivery: "best-effort", producer: "local", emittedAt: Date.now(),
        };
        for (const sub of registry.subscriptionsOf(event.type).filter((s) => receives(s, message))) {
          await deliverToSubscription(sub, message, deps, 1).catch((err: unknown) => console.error(`local event ${event.type} to ${sub.name} failed`, err));
        }
      }
    },
    requeue: async (original) => {
      await env.EVENTS.send(original, { contentType: "json" });
    },
  };
}

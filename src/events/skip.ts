import type { Router } from "../shards/index.ts";
import type { DeadLetter, EventMessage } from "../spec/index.ts";
import type { EventRegistry } from "./define.ts";
import { receives, streamOf, subscriberKey, type DeliveryDeps } from "./deliver.ts";
import { effectiveDelivery } from "./semantics.ts";

export interface SkipDeps {
  readonly registry: EventRegistry;
  readonly router: Router;
  readonly tenantIsolation: DeliveryDeps["tenantIsolation"];
}

/**
 * Delete = skip. A sequenced event's dead letter is what its ordered streams wait for; deleting it
 * tells each subscriber shard that holds such a stream to pass that sequence and release what is
 * then next. The dead letter of one subscription skips that subscription's stream; one with
 * `subscription: null` (the event was invalid, or never left its outbox) skips every ordered
 * stream the event would have reached. Idempotent; returns how many streams were told.
 */
export async function skipDeadSequence(dead: DeadLetter, deps: SkipDeps): Promise<number> {
  if (dead.event === null) return 0; // a gap whose event is unknown: its stream already moved past it
  const { subscription: _replayTarget, ...event } = dead.event;
  if (event.sequence === undefined || event.partitionKey === undefined) return 0;
  const message: EventMessage = { ...event, payload: upgraded(deps.registry, event) };
  const subs = deps.registry
    .subscriptionsOf(event.type)
    .filter((s) => (dead.subscription === null || s.name === dead.subscription) && effectiveDelivery(message.delivery, s.deliver) !== "best-effort");
  let told = 0;
  for (const sub of subs) {
    const target = sub.to;
    if (!("entityType" in target) || !receivesSafely(sub, message)) continue;
    const stream = streamOf(sub, message);
    const key = keyOf(target, message, deps.tenantIsolation);
    if (stream === undefined || key === undefined) continue;
    await deps.router.skipOrdered(target.entityType, key, stream, event.sequence);
    told++;
  }
  return told;
}

/** The payload as subscribers would see it (upgraded by its schema); an invalid one as it was. */
function upgraded(registry: EventRegistry, event: EventMessage): unknown {
  try {
    return registry.validate(event.type, event.payload, {}).payload;
  } catch {
    return event.payload;
  }
}

// An invalid event's payload may make a subscription's own functions throw: such a subscription has no stream to skip.
function receivesSafely(sub: Parameters<typeof receives>[0], message: EventMessage): boolean {
  try {
    return receives(sub, message);
  } catch {
    return false;
  }
}

function keyOf(target: Parameters<typeof subscriberKey>[0], message: EventMessage, isolation: SkipDeps["tenantIsolation"]): string | undefined {
  try {
    return subscriberKey(target, message, isolation);
  } catch {
    return undefined;
  }
}

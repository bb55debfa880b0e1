import { defineEvent, type EventRegistry } from "../events/define.ts";
import { publishEvent } from "../events/publish.ts";
import type { Router } from "../shards/index.ts";
import { RolloutEventSchema, type Rollout } from "../spec/index.ts";
import { clock } from "../clock.ts";

/** Cluster-scoped events of rollouts, so webhooks, SSE and the inspector show them live. */
export const RolloutProgressEvent = defineEvent({ type: "rollout.progress", payload: RolloutEventSchema });
export const RolloutHaltedEvent = defineEvent({ type: "rollout.halted", payload: RolloutEventSchema });
export const RolloutCompletedEvent = defineEvent({ type: "rollout.completed", payload: RolloutEventSchema });
export const rolloutEvents = [RolloutProgressEvent, RolloutHaltedEvent, RolloutCompletedEvent];

export type RolloutEventType = "rollout.progress" | "rollout.halted" | "rollout.completed";

/**
 * Publishes one rollout event with an id fixed by what it reports (`moment`: the run and wave, the
 * halt, the completion), so a retried step publishes it once. A failure is logged: the rollout's
 * own state is what counts, the event is its notification.
 */
export async function publishRolloutEvent(router: Router, registry: EventRegistry, type: RolloutEventType, rollout: Rollout, moment: string): Promise<void> {
  const payload = { rolloutId: rollout.id, status: rollout.status, currentWave: rollout.currentWave, counts: rollout.counts, failures: rollout.failures.slice(0, 20), at: new Date(clock.now()).toISOString() };
  try {
    await publishEvent(router, registry, { type, payload, scope: "cluster", partitionKey: `rollout:${rollout.id}` }, `${type}.${rollout.id}.${moment}`);
  } catch (err) {
    console.error(`${type} not published`, err);
  }
}

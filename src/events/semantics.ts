import type { EventDeliverySemantics } from "../spec/index.ts";

/**
 * The semantics of one delivery of an event to one subscription, from the emitter's
 * `deliverySemantics` (carried on the message as `delivery`) and the subscription's `deliver`:
 *
 * - either is `best-effort` → `best-effort`: one attempt, no retry, no dead letter, no ordering
 *   (a failure is logged and acknowledged; nothing waits for it);
 * - otherwise the subscription's: an `exactly-once` event to an `at-least-once` subscription is
 *   at-least-once (the weaker), and an `at-least-once` event to an `exactly-once` subscription keeps
 *   the subscriber's transactional dedup (applied once: it still arrives at least once, and the
 *   seed's default for cluster events is at-least-once, so downgrading would disable every dedup).
 *
 * An `exactly-once` subscription records `(subscription, eventId)` in every case, so a best-effort
 * event is applied to it at most once.
 */
export function effectiveDelivery(event: EventDeliverySemantics, subscription: EventDeliverySemantics): EventDeliverySemantics {
  return event === "best-effort" ? "best-effort" : subscription;
}

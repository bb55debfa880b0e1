import type { Router } from "../shards/index.ts";
import { AppError, EventMessageSchema, type EventMessage } from "../spec/index.ts";
import { acknowledge, owedBy, type Acknowledge, type Owed } from "./acks.ts";
import type { EventRegistry } from "./define.ts";
import type { Failure } from "./dead-letters.ts";
import { deliverToSubscription, receives, type DeliveryDeps } from "./deliver.ts";
import type { DeadLetterStub } from "./dlq-client.ts";
import { effectiveDelivery } from "./semantics.ts";

export interface ConsumerDeps extends DeliveryDeps {
  readonly registry: EventRegistry;
  readonly router: Router;
  readonly dlq: DeadLetterStub;
  /** Tells a producer which of its events every subscriber took (applied, held, or dead-lettered). */
  readonly ack: Acknowledge;
  /** First retry delay in seconds (doubling per attempt, capped at 300). */
  readonly retryBaseSeconds: number;
}

/** Retry delay of attempt n: base × 2^(n-1) seconds, at most 5 minutes. */
export function retryDelaySeconds(attempt: number, base: number): number {
  return Math.min(300, base * 2 ** Math.max(0, attempt - 1));
}

function failureOf(subscription: string, err: unknown): Failure {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
  return { subscription, message: cause ?? (err instanceof Error ? err.message : String(err)), code: err instanceof AppError ? err.code : "subscriber_failed" };
}

async function consumeOne(message: Message<unknown>, deps: ConsumerDeps): Promise<void> {
  const parsed = EventMessageSchema.safeParse(message.body);
  if (!parsed.success) return deps.dlq.storeInvalidEvent(message.body, `not an event message: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  let event: EventMessage = parsed.data;
  try {
    // Subscribers see the payload as its schema reads it: a versioned payload (EVNT-06) emitted by
    // older code arrives upgraded to the latest version.
    event = { ...event, payload: deps.registry.validate(event.type, event.payload, {}).payload };
  } catch (err) {
    return deps.dlq.storeInvalidEvent(event, err instanceof Error ? err.message : String(err));
  }
  // A best-effort delivery (event or subscription, see effectiveDelivery) gets one attempt: not on redeliveries.
  const subs = deps.registry.subscriptionsOf(event.type).filter((s) => receives(s, event) && (effectiveDelivery(event.delivery, s.deliver) !== "best-effort" || message.attempts <= 1));
  const results = await Promise.allSettled(subs.map((s) => deliverToSubscription(s, event, deps, message.attempts)));
  const failures = results.flatMap((r, i) => {
    const sub = subs[i];
    if (r.status === "fulfilled" || !sub) return [];
    if (effectiveDelivery(event.delivery, sub.deliver) === "best-effort") {
      console.error(`best-effort delivery of ${event.eventId} to ${sub.name} failed`, r.reason);
      return [];
    }
    return [failureOf(sub.name, r.reason)];
  });
  if (failures.length > 0) {
    await deps.dlq.recordEventFailures(event.eventId, failures, message.attempts);
    throw new Error(failures.map((f) => `${f.subscription}: ${f.message}`).join("; "));
  }
}

/**
 * The `events` Queue consumer. Never throws (a throw would redeliver the whole batch, acknowledged
 * messages included): each message is acknowledged or retried on its own. A message that is not a
 * valid event of the registry goes straight to the dead letters. A failing subscriber retries the
 * message with backoff; after the Queue's `max_retries` it moves to `events-dlq`. A best-effort
 * delivery (`effectiveDelivery`) is tried once and never retried or dead-lettered. Once every
 * subscriber took an event, its producer is told (its outbox row is no longer owed). The batch's
 * deliveries to one shard object travel in one call.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, deps: ConsumerDeps): Promise<void> {
  const settled: Owed[] = [];
  const batchDeps = { ...deps, router: deps.router.batched() };
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await consumeOne(message, batchDeps);
        message.ack();
        const owed = owedBy(message.body);
        if (owed) settled.push(owed);
      } catch (err) {
        console.error(`event ${String((message.body as { eventId?: unknown } | null)?.eventId)} attempt ${message.attempts} failed`, err instanceof Error ? err.message : err);
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts, deps.retryBaseSeconds) });
      }
    }),
  );
  await acknowledge(settled, deps.ack);
}

/**
 * The `events-dlq` consumer: stores each dead event with its last failures (then its producer is
 * told: a dead letter settles the row); retries only if the store is unreachable.
 */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, dlq: DeadLetterStub, ack: Acknowledge): Promise<void> {
  const settled: Owed[] = [];
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        const parsed = EventMessageSchema.safeParse(message.body);
        if (parsed.success) await dlq.storeDeadEvent(parsed.data, message.attempts);
        else await dlq.storeInvalidEvent(message.body, "not an event message");
        message.ack();
        const owed = owedBy(message.body);
        if (owed) settled.push(owed);
      } catch (err) {
        console.error("storing a dead letter failed", err);
        message.retry({ delaySeconds: 5 });
      }
    }),
  );
  await acknowledge(settled, ack);
}

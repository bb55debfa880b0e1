/** Sends a producing object's acknowledgement: these of its events are no longer owed. */
export type Acknowledge = (producer: string, eventIds: string[]) => Promise<unknown>;

/** An event whose delivery settles its outbox row: one a producer relayed to every subscriber (not a copy aimed at one subscription, nor a local one). */
export interface Owed {
  readonly producer: string;
  readonly eventId: string;
}

/** The outbox row a Queue message settles, if any. */
export function owedBy(body: unknown): Owed | null {
  if (typeof body !== "object" || body === null) return null;
  const { producer, eventId, subscription } = body as { producer?: unknown; eventId?: unknown; subscription?: unknown };
  if (typeof producer !== "string" || typeof eventId !== "string" || subscription !== undefined || producer === "local") return null;
  return { producer, eventId };
}

/**
 * Acknowledges settled events to their producers, one call per producer. A failed acknowledgement
 * is only logged: the producer sends the event again after its ack timeout and the subscribers'
 * dedup absorbs it.
 */
export async function acknowledge(settled: readonly Owed[], ack: Acknowledge): Promise<void> {
  const byProducer = new Map<string, string[]>();
  for (const { producer, eventId } of settled) byProducer.set(producer, [...(byProducer.get(producer) ?? []), eventId]);
  const results = await Promise.allSettled([...byProducer].map(([producer, ids]) => ack(producer, ids)));
  for (const r of results) if (r.status === "rejected") console.error("acknowledging events to their producer failed (they will be sent again)", r.reason);
}

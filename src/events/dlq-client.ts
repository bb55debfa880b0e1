import type { DeadLetter, EventMessage, StuckStream } from "../spec/index.ts";
import type { DeadFilter, Failure, GapDeadLetter } from "./dead-letters.ts";
import type { StuckReport } from "./stuck-streams.ts";
import { Directory, type DirectoryNamespace } from "../singleton/directory.ts";

/** The singleton that keeps the dead-letter list. */
export const DEAD_LETTER_SINGLETON = "events-dlq";

/** The dead-letter RPCs of the `events-dlq` singleton, as the consumer and the routes use them. */
export interface DeadLetterStub {
  recordEventFailures(eventId: string, failures: Failure[], attempt: number): Promise<void>;
  storeDeadEvent(event: EventMessage, attempts: number): Promise<number>;
  storeInvalidEvent(raw: unknown, reason: string): Promise<void>;
  /** An event the outbox relay gave up on (it never reached the Queue): a dead letter with `subscription: null`. */
  storeUnrelayedEvent(event: EventMessage, error: { message: string; code: string }, attempts: number): Promise<void>;
  listDeadEvents(filter: DeadFilter): Promise<{ items: DeadLetter[]; nextCursor: string | null }>;
  getDeadEvent(id: string): Promise<DeadLetter | null>;
  deleteDeadEvent(id: string): Promise<boolean>;
  /** A sequence an ordered stream gave up (see `storeGap`). */
  storeGapDeadLetter(gap: GapDeadLetter, refetches: number): Promise<void>;
  reportStuckStream(report: StuckReport): Promise<void>;
  clearStuckStream(object: string, stream: string): Promise<void>;
  listStuckStreams(limit: number, stream?: string): Promise<StuckStream[]>;
}

interface DeadLetterNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): DeadLetterStub;
}

export function deadLetters(namespace: DeadLetterNamespace): DeadLetterStub {
  return namespace.get(namespace.idFromName(DEAD_LETTER_SINGLETON));
}

/** The dead-letter list for a read, or null while `events-dlq` was never created (nothing is dead yet): a read creates nothing. */
export async function existingDeadLetters(namespace: DeadLetterNamespace & DirectoryNamespace): Promise<DeadLetterStub | null> {
  return (await new Directory(namespace).has("singleton", DEAD_LETTER_SINGLETON)) ? deadLetters(namespace) : null;
}

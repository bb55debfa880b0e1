/**
 * Fault injection for tests: makes the events Queue of this isolate lose, delay or refuse what the
 * platform sends it (outbox relays, re-sends, held events handed back). Off unless code turns it on
 * with `setQueueFaults` (no environment variable reaches it, so a deployment cannot enable it by
 * configuration). Tests use it to prove that nothing acknowledged is lost when the transport is.
 */
export interface QueueFaults {
  /** The share of messages dropped without a word, 0..1 (each message draws). */
  readonly dropShare?: number;
  /** Every send waits this long first. */
  readonly delayMs?: number;
  /** The next this-many sends throw. */
  readonly failNext?: number;
  /** Messages dropped whatever the draw (a chosen event, every time it is sent). */
  readonly dropWhere?: (body: unknown) => boolean;
}

/** The sending side of the events Queue, as the platform uses it. */
export interface EventsQueue {
  send(body: unknown, options?: QueueSendOptions): Promise<unknown>;
  sendBatch(messages: Iterable<MessageSendRequest>, options?: QueueSendBatchOptions): Promise<unknown>;
}

interface FaultState {
  faults: QueueFaults | null;
  toFail: number;
  readonly stats: { sent: number; dropped: number; failed: number };
}
// One state per isolate, shared by every copy of this module (the platform's and a test's).
const SLOT = Symbol.for("durable-cluster.queue-faults");
const slots = globalThis as unknown as Record<symbol, FaultState | undefined>;
const state: FaultState = (slots[SLOT] ??= { faults: null, toFail: 0, stats: { sent: 0, dropped: 0, failed: 0 } });
const stats = state.stats;

/** Turns the faults on (null: off) and zeroes the counters. */
export function setQueueFaults(next: QueueFaults | null): void {
  state.faults = next;
  state.toFail = next?.failNext ?? 0;
  Object.assign(stats, { sent: 0, dropped: 0, failed: 0 });
}

/** What the faults did since they were set: messages passed on, dropped, and sends refused. */
export function queueFaultStats(): Readonly<typeof stats> {
  return { ...stats };
}

const bodyOf = (item: unknown): unknown => (typeof item === "object" && item !== null && "body" in item ? item.body : item);

/** The queue itself when no fault is set, else a wrapper that applies them. */
export function withQueueFaults(queue: EventsQueue): EventsQueue {
  if (state.faults === null) return queue;
  const faults = (): QueueFaults | null => state.faults;
  const gate = async <T>(items: T[]): Promise<T[]> => {
    if ((faults()?.delayMs ?? 0) > 0) await new Promise((resolve) => setTimeout(resolve, faults()?.delayMs));
    if (state.toFail > 0) {
      state.toFail--;
      stats.failed++;
      throw new Error("injected Queue failure");
    }
    const kept = items.filter((item) => !faults()?.dropWhere?.(bodyOf(item)) && Math.random() >= (faults()?.dropShare ?? 0));
    stats.dropped += items.length - kept.length;
    stats.sent += kept.length;
    return kept;
  };
  return {
    async send(body, options) {
      if ((await gate([body])).length > 0) await queue.send(body, options);
    },
    async sendBatch(messages, options) {
      const kept = await gate([...messages]);
      if (kept.length > 0) await queue.sendBatch(kept, options);
    },
  };
}

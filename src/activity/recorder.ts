import { clock } from "../clock.ts";
import { ACTIVITY_OBJECT, type ActivityReport, type ActivityStub } from "./report.ts";

interface ActivityNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): ActivityStub;
}

type Counts = { messages: number; errors: Record<string, number>; events: Record<string, number>; owed: number | null };

/**
 * What the shards of this isolate counted since the last report, by shard: one report a second
 * per isolate (not per shard) goes to `~activity`, so the cost per message falls as the load
 * rises. The timer belongs to the object whose count armed it; if that object went away before it
 * fired, the next count arms a new one.
 */
const batch = { counts: new Map<string, Counts>(), armedAt: 0, timer: undefined as ReturnType<typeof setTimeout> | undefined };

/** Sends the batch in one call (nothing when nothing happened). */
async function flush(namespace: ActivityNamespace): Promise<void> {
  batch.timer = undefined;
  if (batch.counts.size === 0) return;
  const reports: ActivityReport[] = [...batch.counts].map(([shard, c]) => ({ shard, ...c }));
  batch.counts.clear();
  await namespace.get(namespace.idFromName(ACTIVITY_OBJECT)).recordActivity(reports);
}

/**
 * A shard's activity counters, kept in memory and sent to `~activity` with the isolate's batch at
 * most once per `intervalMs`, and only after something happened. Counts are best-effort: those of
 * a report that failed or never left are lost (the figures are for watching, never for billing).
 * Nothing here reads or writes the shard's storage.
 */
export class ActivityRecorder {
  #owed: number | null = null;

  constructor(
    private readonly namespace: ActivityNamespace,
    private readonly shard: () => string | null,
    private readonly intervalMs: number,
  ) {}

  /** One message run: `error` is the failure's code, or undefined on success. */
  message(error?: string): void {
    const c = this.#counts();
    if (!c) return;
    c.messages++;
    if (error !== undefined) c.errors[error] = (c.errors[error] ?? 0) + 1;
  }

  emitted(types: readonly string[]): void {
    const c = types.length ? this.#counts() : null;
    if (c) for (const type of types) c.events[type] = (c.events[type] ?? 0) + 1;
  }

  /** The outbox's owed rows as just read by the shard (no extra read for this). A first 0 is not news. */
  owed(rows: number): void {
    if (rows === (this.#owed ?? 0)) {
      this.#owed ??= rows;
      return;
    }
    this.#owed = rows;
    const c = this.#counts();
    if (c) c.owed = rows;
  }

  /** Rows written (positive) or acknowledged (negative) since the last count: kept current between alarms. */
  owedChanged(delta: number): void {
    if (delta !== 0 && this.#owed !== null) this.owed(Math.max(0, this.#owed + delta));
  }

  /** This shard's entry in the batch (armed to be sent), or null when off or not bound to a shard yet. */
  #counts(): Counts | null {
    const shard = this.shard();
    if (shard === null || this.intervalMs <= 0) return null;
    let c = batch.counts.get(shard);
    if (!c) batch.counts.set(shard, (c = { messages: 0, errors: {}, events: {}, owed: this.#owed }));
    const now = clock.now();
    if (batch.timer === undefined || now - batch.armedAt > 2 * this.intervalMs) {
      batch.armedAt = now;
      batch.timer = setTimeout(() => void flush(this.namespace).catch(() => undefined), this.intervalMs);
    }
    return c;
  }
}

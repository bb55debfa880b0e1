import { ACTIVITY_OBJECT, type ActivityReport, type ActivityStub } from "./report.ts";

interface ActivityNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): ActivityStub;
}

/**
 * A shard's activity counters, kept in memory and sent to `~activity` at most once per
 * `intervalMs` (and only after something happened): one outbound call a second from a busy shard,
 * none from an idle one. Counts are best-effort: those of an object evicted before its flush, or of
 * a failed flush, are lost (the figures are for watching, never for billing). Nothing here reads or
 * writes the shard's storage.
 */
export class ActivityRecorder {
  #messages = 0;
  #errors: Record<string, number> = {};
  #events: Record<string, number> = {};
  #owed: number | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly namespace: ActivityNamespace,
    private readonly shard: () => string | null,
    private readonly intervalMs: number,
  ) {}

  /** One message handled: `error` is the failure's code, or undefined on success. */
  message(error?: string): void {
    this.#messages++;
    if (error !== undefined) this.#errors[error] = (this.#errors[error] ?? 0) + 1;
    this.#arm();
  }

  emitted(types: readonly string[]): void {
    for (const type of types) this.#events[type] = (this.#events[type] ?? 0) + 1;
    if (types.length) this.#arm();
  }

  /** The outbox's owed rows as just read by the shard (no extra read for this). A first 0 is not news. */
  owed(rows: number): void {
    if (rows === (this.#owed ?? 0)) {
      this.#owed ??= rows;
      return;
    }
    this.#owed = rows;
    this.#arm();
  }

  /** Rows written (positive) or acknowledged (negative) since the last count: kept current between alarms. */
  owedChanged(delta: number): void {
    if (delta !== 0 && this.#owed !== null) this.owed(Math.max(0, this.#owed + delta));
  }

  #arm(): void {
    if (this.#timer !== undefined || this.intervalMs <= 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch((err: unknown) => console.warn("activity report dropped", err));
    }, this.intervalMs);
  }

  /** Sends what was counted since the last flush (nothing when nothing happened or the shard is unbound). */
  async flush(): Promise<void> {
    const shard = this.shard();
    if (shard === null) return;
    const report: ActivityReport = { shard, messages: this.#messages, errors: this.#errors, events: this.#events, owed: this.#owed };
    this.#messages = 0;
    this.#errors = {};
    this.#events = {};
    await this.namespace.get(this.namespace.idFromName(ACTIVITY_OBJECT)).recordActivity([report]);
  }
}

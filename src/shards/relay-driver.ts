import type { AlarmClock } from "../storage/alarm-clock.ts";
import type { OutboxRow, OutboxSend } from "../storage/outbox.ts";
import { clock } from "../clock.ts";

/** What the events capability plugs into an object that emits (the shards module knows no Queue). */
export interface RelayHooks {
  /**
   * Relays the owed rows that are due (the alarm's relay): sends, prunes, and resolves with when the
   * outbox next needs the alarm.
   */
  relay?: (sql: SqlStorage, producer: string) => Promise<number | null>;
  /** Sends the rows a commit wrote; resolves with when the relay is next needed for them (null: all sent). */
  sendCommitted?: (sql: SqlStorage, producer: string, rows: readonly OutboxRow[]) => Promise<number | null>;
  /** How long a sent row waits for its acknowledgement before the relay sends it again. */
  ackTimeoutMs?: number;
}

/**
 * Drives an object's outbox: a commit's rows are written as sent and sent right after the commit
 * (no outbox read or write on that path); the alarm, set by the time they would be owed again,
 * relays whatever is owed and due (a failed send, a lost message, a crash between the commit and
 * its send). One alarm relay at a time.
 */
export class RelayDriver {
  #relaying: Promise<void> | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly clock: AlarmClock,
    private readonly hooks: RelayHooks,
    private readonly producer: () => string | null,
    private readonly waitUntil: (work: Promise<unknown>) => void,
  ) {}

  /** How a commit writes its rows: as sent now when this object sends them itself, else due for the relay. */
  outboxSend(now: number): OutboxSend | undefined {
    const { sendCommitted, ackTimeoutMs } = this.hooks;
    return sendCommitted && ackTimeoutMs !== undefined ? { sendAt: now, resendAt: now + ackTimeoutMs } : undefined;
  }

  /** After a commit that wrote `rows`: the alarm by their resend time, and their send. */
  committed(rows: readonly OutboxRow[]): void {
    const producer = this.producer();
    if (rows.length === 0 || producer === null) return;
    const { sendCommitted, ackTimeoutMs } = this.hooks;
    if (!sendCommitted || ackTimeoutMs === undefined) {
      this.waitUntil(Promise.all([this.clock.by(clock.now()), this.relay()]));
      return;
    }
    const send = async () => {
      await this.clock.by(clock.now() + ackTimeoutMs);
      const due = await sendCommitted(this.storage.sql, producer, rows);
      if (due !== null) await this.clock.by(due);
    };
    this.waitUntil(send());
  }

  /** Relays what is owed and due, then re-arms the alarm for what is left (one relay at a time). */
  relay(): Promise<void> {
    const producer = this.producer();
    const relay = this.hooks.relay;
    if (producer === null || !relay) return Promise.resolve();
    this.#relaying ??= relay(this.storage.sql, producer)
      .then(async (due) => {
        if (due !== null) await this.clock.by(due);
      })
      .finally(() => (this.#relaying = undefined));
    return this.#relaying;
  }
}

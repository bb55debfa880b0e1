import type { EntityKey, Envelope } from "../spec/index.ts";
import type { Reply, ShardTarget } from "./delivery.ts";
import { advanceStream, dropHeld, holdEvent, holdSkip, nextSequence, releasable, releasableStreams, retryHeldAt, streamState, type OrderedDelivery } from "./ordering.ts";
import type { ShardHost } from "./shard-host.ts";
import { GapWatch, type GapHooks, type GapSettings } from "./gap-watch.ts";
import { hasHeldOrGaps, markSkipped, unskip, wasSkipped } from "./stream-gaps.ts";
import { clock } from "../clock.ts";

/** What the events capability does for a shard's ordered streams: a held event handed back to the Queue, and gaps. */
export type StreamHooks = GapHooks & {
  /** Hands a held event that keeps failing back to the Queue (its retries and dead letters). */
  readonly requeue?: (original: unknown) => Promise<void>;
};

/** What a skip did: passed the sequence now, marked it for when it is next, or found it already passed. */
export type SkipStatus = { status: "skipped" | "marked" | "passed" };

/** How a sequenced event was taken: applied now, already applied, or held until its gap fills. */
export type OrderedReply = Reply & { status: "applied" | "duplicate" | "held" };

/** A held event is tried this many times in a row before it is handed back to the Queue. */
const LOCAL_ATTEMPTS = 3;
/** A held event whose hand-back to the Queue failed is tried again this much later. */
const REQUEUE_RETRY_MS = 5_000;

/**
 * Applies sequenced events to a shard's entities in stream order. In order: applied at once, the
 * stream advancing in the same transaction. Early: held durably, acknowledged. After each applied
 * event, the held events that are now next are applied too; one that fails three times in a row goes
 * back to the Queue (so it retries and dead-letters like any event) and stays held until its copy
 * is applied: if the copy is lost, it is tried here again a gap timeout later. Gaps: `GapWatch`.
 */
export class OrderedDeliveries {
  readonly #gaps: GapWatch;

  constructor(
    private readonly host: ShardHost,
    private readonly hooks: StreamHooks,
    private readonly settings: GapSettings,
  ) {
    this.#gaps = new GapWatch(host, hooks, settings, {
      inStream: (stream, work) => this.host.mailbox.run(`order|${stream}`, work, false),
      skipLocked: (stream, sequence) => this.#skipLocked(stream, sequence, true),
    });
  }

  async deliver(target: ShardTarget, key: EntityKey, envelope: Envelope, order: OrderedDelivery, original: unknown): Promise<OrderedReply> {
    const runtime = this.host.open(target);
    runtime.spec(envelope.type);
    const sql = this.host.ctx.storage.sql;
    return this.host.mailbox.run(`order|${order.stream}`, async () => {
      const { next, held, gaps } = streamState(sql, order.stream);
      if (order.sequence < next && wasSkipped(sql, order.stream, order.sequence)) {
        // The stream passed it (a gap given up, or a skip): its event came after all, applied once, late.
        const late = await this.host.mailbox.run(key, () => runtime.execute(key, envelope, (tx) => unskip(tx, order.stream, order.sequence)), false);
        return { ...late, status: late.duplicate ? ("duplicate" as const) : ("applied" as const) };
      }
      if (order.sequence < next) return { reply: null, duplicate: true, status: "duplicate" as const };
      if (order.sequence > next) {
        const now = clock.now();
        this.host.ctx.storage.transactionSync(() => holdEvent(sql, { stream: order.stream, seq: order.sequence, key, envelope, original }, now));
        await this.host.clock.by(now + this.settings.timeoutMs); // if the gap is still open then, its sequence is asked again
        return { reply: null, duplicate: false, status: "held" as const };
      }
      // A held row of this sequence (an event handed back to the Queue) goes with the effect.
      const applied = (tx: SqlStorage) => {
        advanceStream(tx, order.stream, order.sequence + 1);
        if (held > 0) dropHeld(tx, order.stream, order.sequence);
      };
      const reply = await this.host.mailbox.run(key, () => runtime.execute(key, envelope, applied), false);
      // Nothing held and no gap recorded (the common case): nothing to release, no report to clear.
      if (held > 0) await this.#releaseLocked(order.stream);
      else if (gaps > 0) await this.#gaps.settle(order.stream);
      return { ...reply, status: reply.duplicate ? ("duplicate" as const) : ("applied" as const) };
    });
  }

  /**
   * Delete = skip: the stream passes `sequence` without applying it (its dead letter was deleted:
   * it is dropped, never applied), and what is then next is released. A sequence not yet reached
   * is marked and passed when it is next; one already passed is left alone.
   */
  skip(target: ShardTarget, stream: string, sequence: number): Promise<SkipStatus> {
    this.host.open(target);
    return this.skipAt(stream, sequence, { late: false });
  }

  /**
   * The same in a shard already bound: the stuck-stream route and a gap given up pass a sequence
   * that never came (`late`: its event, if it comes after all, is still applied, once).
   */
  skipAt(stream: string, sequence: number, { late }: { late: boolean }): Promise<SkipStatus> {
    return this.host.mailbox.run(`order|${stream}`, () => this.#skipLocked(stream, sequence, late), false);
  }

  async #skipLocked(stream: string, sequence: number, late: boolean): Promise<SkipStatus> {
    const sql = this.host.ctx.storage.sql;
    if (sequence < nextSequence(sql, stream)) {
      if (!late) unskip(sql, stream, sequence); // a deleted dead letter is dropped, even one of a sequence passed as a gap
      return { status: "passed" };
    }
    this.host.ctx.storage.transactionSync(() => {
      holdSkip(sql, stream, sequence, clock.now());
      if (late) markSkipped(sql, stream, sequence, clock.now());
    });
    await this.#releaseLocked(stream);
    return { status: nextSequence(sql, stream) > sequence ? "skipped" : "marked" };
  }

  /** Applies the held events of `stream` that are next, in order, until one is missing or fails. */
  release(stream: string): Promise<void> {
    return this.host.mailbox.run(`order|${stream}`, () => this.#releaseLocked(stream), false);
  }

  async #releaseLocked(stream: string): Promise<void> {
    const runtime = this.host.reopen();
    if (!runtime) return;
    const sql = this.host.ctx.storage.sql;
    for (let held = releasable(sql, stream, clock.now()); held; held = releasable(sql, stream, clock.now())) {
      const { seq, key, envelope, original } = held;
      if (envelope === null) {
        this.host.ctx.storage.transactionSync(() => (advanceStream(sql, stream, seq + 1), dropHeld(sql, stream, seq)));
        continue;
      }
      const apply = () => this.host.mailbox.run(key, () => runtime.execute(key as EntityKey, envelope, (tx) => (advanceStream(tx, stream, seq + 1), dropHeld(tx, stream, seq))), false);
      let error: unknown;
      for (let attempt = 1; attempt <= LOCAL_ATTEMPTS; attempt++) {
        error = await apply().then(() => undefined, (err: unknown) => err ?? new Error("failed"));
        if (error === undefined) break;
      }
      if (error !== undefined) {
        console.error(`held event ${stream}#${seq} failed ${LOCAL_ATTEMPTS} times; back to the Queue`, error instanceof Error ? error.message : error);
        await this.#giveBack(stream, seq, original);
        return;
      }
    }
    await this.#gaps.settle(stream); // moved past its gap (the event came, or was skipped): no longer stuck
  }

  async #giveBack(stream: string, seq: number, original: unknown): Promise<void> {
    const sql = this.host.ctx.storage.sql;
    try {
      if (!this.hooks.requeue) throw new Error("no queue to hand the event back to");
      await this.hooks.requeue(original);
      // Kept: if the copy is lost, the event is tried here again, a gap timeout from now.
      retryHeldAt(sql, stream, seq, clock.now() + this.settings.timeoutMs);
      await this.host.clock.by(clock.now() + this.settings.timeoutMs);
    } catch {
      retryHeldAt(sql, stream, seq, clock.now() + REQUEUE_RETRY_MS);
      await this.host.clock.by(clock.now() + REQUEUE_RETRY_MS);
    }
  }

  /** Alarm work: release every stream whose next event is held and due, then look at the gaps. */
  async onAlarm(): Promise<void> {
    const now = clock.now();
    const streams = releasableStreams(this.host.ctx.storage.sql).filter((s) => s.at <= now);
    await Promise.all(streams.map((s) => this.release(s.stream)));
    await this.#gaps.check(now);
  }

  nextDue(): number | null {
    const now = clock.now();
    if (!hasHeldOrGaps(this.host.ctx.storage.sql)) return null; // the common case: one read
    const next = Math.min(...releasableStreams(this.host.ctx.storage.sql).map((s) => s.at), this.#gaps.nextDue(now) ?? Number.POSITIVE_INFINITY);
    return Number.isFinite(next) ? next : null;
  }
}

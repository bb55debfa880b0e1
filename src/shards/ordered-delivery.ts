import type { EntityKey, Envelope } from "../spec/index.ts";
import type { Reply, ShardTarget } from "./delivery.ts";
import { advanceStream, dropHeld, holdEvent, holdSkip, nextSequence, releasable, releasableStreams, retryHeldAt, type OrderedDelivery } from "./ordering.ts";
import type { ShardHost } from "./shard-host.ts";
import { closeGaps, gapClosed, gapOf, gapsNextDue, markSkipped, recordRefetch, unskip, waitingStreams, wasSkipped, type WaitingStream } from "./stream-gaps.ts";

/** What the events capability does for a shard's ordered streams (the shards module knows no Queue). */
export interface StreamHooks {
  /** Hands a held event that keeps failing back to the Queue. */
  readonly requeue?: (original: unknown) => Promise<void>;
  /** Asks the producer of a held event's stream for `sequence` again; resolves with that event if the producer still has it. */
  readonly refetch?: (original: unknown, sequence: number) => Promise<unknown>;
  /** `sequence` is given up: a dead letter (reason gap). */
  readonly deadLetterGap?: (gap: { object: string; stream: string; sequence: number; original: unknown; event: unknown; refetches: number }) => Promise<void>;
  /** The stuck-stream list: a stream waiting on a gap longer than the gap timeout, or no longer. */
  readonly reportStuck?: (object: string, waiting: WaitingStream & { refetches: number }) => Promise<void>;
  readonly clearStuck?: (object: string, stream: string) => Promise<void>;
}

/** How long a gap may last before its sequence is asked again (and again, every as long), and how many asks. */
export interface GapSettings {
  readonly timeoutMs: number;
  readonly refetches: number;
}

/** What a skip did: passed the sequence now, marked it for when it is next, or found it already passed. */
export type SkipStatus = { status: "skipped" | "marked" | "passed" };

/** How a sequenced event was taken: applied now, already applied, or held until its gap fills. */
export type OrderedReply = Reply & { status: "applied" | "duplicate" | "held" };

/** A held event is tried this many times in a row before it is handed back to the Queue. */
const LOCAL_ATTEMPTS = 3;
/** A held event that failed is handed back to the Queue (its retries and dead letters); if that fails too, retried in 5 s. */
const REQUEUE_RETRY_MS = 5_000;

/**
 * Applies sequenced events to a shard's entities in stream order. In order: applied at once, the
 * stream advancing in the same transaction. Early: held durably, acknowledged. After each applied
 * event, the held events that are now next are applied too; one that fails three times in a row goes
 * back to the Queue (so it retries and dead-letters like any event) and the stream waits for it.
 */
export class OrderedDeliveries {
  #checking: Promise<void> | undefined;

  constructor(
    private readonly host: ShardHost,
    private readonly hooks: StreamHooks,
    private readonly gaps: GapSettings,
  ) {}

  async deliver(target: ShardTarget, key: EntityKey, envelope: Envelope, order: OrderedDelivery, original: unknown): Promise<OrderedReply> {
    const runtime = this.host.open(target);
    runtime.spec(envelope.type);
    const sql = this.host.ctx.storage.sql;
    return this.host.mailbox.run(`order|${order.stream}`, async () => {
      const next = nextSequence(sql, order.stream);
      if (order.sequence < next && wasSkipped(sql, order.stream, order.sequence)) {
        // The stream passed it (a gap given up, or a skip): its event came after all, applied once, late.
        const late = await this.host.mailbox.run(key, () => runtime.execute(key, envelope, (tx) => unskip(tx, order.stream, order.sequence)), false);
        return { ...late, status: late.duplicate ? ("duplicate" as const) : ("applied" as const) };
      }
      if (order.sequence < next) return { reply: null, duplicate: true, status: "duplicate" as const };
      if (order.sequence > next) {
        const now = Date.now();
        this.host.ctx.storage.transactionSync(() => holdEvent(sql, { stream: order.stream, seq: order.sequence, key, envelope, original }, now));
        await this.host.clock.by(now + this.gaps.timeoutMs); // if the gap is still open then, its sequence is asked again
        return { reply: null, duplicate: false, status: "held" as const };
      }
      const reply = await this.host.mailbox.run(key, () => runtime.execute(key, envelope, (tx) => advanceStream(tx, order.stream, order.sequence + 1)), false);
      await this.#releaseLocked(order.stream);
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
    const sql = this.host.ctx.storage.sql;
    return this.host.mailbox.run(`order|${stream}`, async () => {
      if (sequence < nextSequence(sql, stream)) return { status: "passed" as const };
      this.host.ctx.storage.transactionSync(() => {
        holdSkip(sql, stream, sequence, Date.now());
        if (late) markSkipped(sql, stream, sequence, Date.now());
      });
      await this.#releaseLocked(stream);
      return { status: nextSequence(sql, stream) > sequence ? ("skipped" as const) : ("marked" as const) };
    }, false);
  }

  /** Applies the held events of `stream` that are next, in order, until one is missing or fails. */
  release(stream: string): Promise<void> {
    return this.host.mailbox.run(`order|${stream}`, () => this.#releaseLocked(stream), false);
  }

  async #releaseLocked(stream: string): Promise<void> {
    const runtime = this.host.reopen();
    if (!runtime) return;
    const sql = this.host.ctx.storage.sql;
    for (let held = releasable(sql, stream, Date.now()); held; held = releasable(sql, stream, Date.now())) {
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
    // The stream moved past its gap (the event came, or was skipped): it is no longer stuck.
    if (gapClosed(sql, stream)) this.host.ctx.waitUntil(this.hooks.clearStuck?.(runtime.identity.objectName, stream).catch((err: unknown) => console.error("clearing a stuck stream failed", err)) ?? Promise.resolve());
  }

  async #giveBack(stream: string, seq: number, original: unknown): Promise<void> {
    const sql = this.host.ctx.storage.sql;
    try {
      if (!this.hooks.requeue) throw new Error("no queue to hand the event back to");
      await this.hooks.requeue(original);
      dropHeld(sql, stream, seq);
    } catch {
      retryHeldAt(sql, stream, seq, Date.now() + REQUEUE_RETRY_MS);
      await this.host.clock.by(Date.now() + REQUEUE_RETRY_MS);
    }
  }

  /** Alarm work: release every stream whose next event is held and due, then look at the gaps. */
  async onAlarm(): Promise<void> {
    const now = Date.now();
    const streams = releasableStreams(this.host.ctx.storage.sql).filter((s) => s.at <= now);
    await Promise.all(streams.map((s) => this.release(s.stream)));
    this.#checking ??= this.#checkGaps(now).finally(() => (this.#checking = undefined)); // one check at a time
    await this.#checking;
  }

  nextDue(): number | null {
    const sql = this.host.ctx.storage.sql;
    const next = Math.min(...releasableStreams(sql).map((s) => s.at), gapsNextDue(sql, this.gaps.timeoutMs) ?? Number.POSITIVE_INFINITY);
    return Number.isFinite(next) ? next : null;
  }

  /**
   * Each stream waiting on a gap older than the timeout: reported stuck, its missing sequence asked
   * of the producer again (every timeout), and after the last ask given up: a dead letter, and the
   * stream moves past it. A gap that filled is forgotten and its report cleared.
   */
  async #checkGaps(now: number): Promise<void> {
    const runtime = this.host.reopen();
    if (!runtime) return;
    const object = runtime.identity.objectName;
    const sql = this.host.ctx.storage.sql;
    const waiting = waitingStreams(sql);
    for (const stream of closeGaps(sql, waiting)) await this.hooks.clearStuck?.(object, stream).catch((err: unknown) => console.error("clearing a stuck stream failed", err));
    for (const w of waiting.filter((x) => x.oldestHeldAt + this.gaps.timeoutMs <= now)) {
      const gap = gapOf(sql, w.stream, w.nextSeq, now);
      if (gap.nextAt > now) continue;
      const held = JSON.parse(sql.exec<{ original: string }>("SELECT original FROM order_held WHERE stream = ? ORDER BY seq LIMIT 1", w.stream).one().original) as unknown;
      try {
        await this.hooks.reportStuck?.(object, { ...w, refetches: gap.refetches });
        if (gap.refetches >= this.gaps.refetches) {
          await this.hooks.deadLetterGap?.({ object, stream: w.stream, sequence: w.nextSeq, original: held, event: gap.event, refetches: gap.refetches });
          await this.skipAt(w.stream, w.nextSeq, { late: true });
          continue;
        }
        recordRefetch(sql, w.stream, now + this.gaps.timeoutMs, (await this.hooks.refetch?.(held, w.nextSeq)) ?? null);
      } catch (err) {
        console.error(`gap ${w.stream}#${w.nextSeq}: ${err instanceof Error ? err.message : String(err)}`);
        recordRefetch(sql, w.stream, now + this.gaps.timeoutMs, null);
      }
    }
  }
}

import type { EntityKey, Envelope } from "../spec/index.ts";
import type { Reply, ShardTarget } from "./delivery.ts";
import { advanceStream, dropHeld, holdEvent, holdSkip, nextSequence, releasable, releasableStreams, retryHeldAt, type OrderedDelivery } from "./ordering.ts";
import type { ShardHost } from "./shard-host.ts";

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
  constructor(
    private readonly host: ShardHost,
    private readonly requeue: ((original: unknown) => Promise<void>) | undefined,
  ) {}

  async deliver(target: ShardTarget, key: EntityKey, envelope: Envelope, order: OrderedDelivery, original: unknown): Promise<OrderedReply> {
    const runtime = this.host.open(target);
    runtime.spec(envelope.type);
    const sql = this.host.ctx.storage.sql;
    return this.host.mailbox.run(`order|${order.stream}`, async () => {
      const next = nextSequence(sql, order.stream);
      if (order.sequence < next) return { reply: null, duplicate: true, status: "duplicate" as const };
      if (order.sequence > next) {
        this.host.ctx.storage.transactionSync(() => holdEvent(sql, { stream: order.stream, seq: order.sequence, key, envelope, original }, Date.now()));
        return { reply: null, duplicate: false, status: "held" as const };
      }
      const reply = await this.host.mailbox.run(key, () => runtime.execute(key, envelope, (tx) => advanceStream(tx, order.stream, order.sequence + 1)), false);
      await this.#releaseLocked(order.stream);
      return { ...reply, status: reply.duplicate ? ("duplicate" as const) : ("applied" as const) };
    });
  }

  /**
   * Delete = skip: the stream passes `sequence` without applying it (its dead letter was deleted),
   * and what is then next is released. A sequence not yet reached is marked and passed when it is
   * next; one already passed is left alone.
   */
  skip(target: ShardTarget, stream: string, sequence: number): Promise<{ status: "skipped" | "marked" | "passed" }> {
    this.host.open(target);
    const sql = this.host.ctx.storage.sql;
    return this.host.mailbox.run(`order|${stream}`, async () => {
      if (sequence < nextSequence(sql, stream)) return { status: "passed" as const };
      this.host.ctx.storage.transactionSync(() => holdSkip(sql, stream, sequence, Date.now()));
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
  }

  async #giveBack(stream: string, seq: number, original: unknown): Promise<void> {
    const sql = this.host.ctx.storage.sql;
    try {
      if (!this.requeue) throw new Error("no queue to hand the event back to");
      await this.requeue(original);
      dropHeld(sql, stream, seq);
    } catch {
      retryHeldAt(sql, stream, seq, Date.now() + REQUEUE_RETRY_MS);
      await this.host.clock.by(Date.now() + REQUEUE_RETRY_MS);
    }
  }

  /** Alarm work: release every stream whose next event is held and due. */
  async onAlarm(): Promise<void> {
    const now = Date.now();
    const streams = releasableStreams(this.host.ctx.storage.sql).filter((s) => s.at <= now);
    await Promise.all(streams.map((s) => this.release(s.stream)));
  }

  nextDue(): number | null {
    const times = releasableStreams(this.host.ctx.storage.sql).map((s) => s.at);
    return times.length === 0 ? null : Math.min(...times);
  }
}

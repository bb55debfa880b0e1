import type { ShardHost } from "./shard-host.ts";
import { closedGaps, firstHeldOriginal, forgetGap, gapOf, gapsNextDue, recordRefetch, waitingStreams, type WaitingStream } from "./stream-gaps.ts";
import { clock } from "../clock.ts";

/** What the events capability does for a stream waiting on a gap (the shards module knows no Queue). */
export interface GapHooks {
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

/** What the watch needs of the ordered deliveries: each stream's lock, and passing a sequence under it. */
export interface StreamAccess {
  inStream<T>(stream: string, work: () => Promise<T>): Promise<T>;
  skipLocked(stream: string, sequence: number): Promise<unknown>;
}

/**
 * Watches a shard's ordered streams for gaps, from its alarm. A stream whose next sequence is
 * missing while a later event has been held `timeoutMs` is reported stuck and its sequence asked of
 * the producer again, every `timeoutMs`; after `refetches` asks the sequence is given up (a dead
 * letter) and passed. Each stream is handled under its own lock; a gap that closed has its report
 * cleared before it is forgotten, so a failed clear is tried again at the next alarm.
 */
export class GapWatch {
  #checking: Promise<void> | undefined;

  constructor(
    private readonly host: ShardHost,
    private readonly hooks: GapHooks,
    private readonly settings: GapSettings,
    private readonly streams: StreamAccess,
  ) {}

  /** One check at a time. */
  check(now: number): Promise<void> {
    this.#checking ??= this.#check(now).finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  nextDue(now: number): number | null {
    return gapsNextDue(this.host.ctx.storage.sql, this.settings.timeoutMs, now);
  }

  /** After a stream moved (under its lock): if it had a gap it no longer waits on, its report is cleared, then the gap forgotten. */
  async settle(stream: string): Promise<void> {
    const object = this.host.reopen()?.identity.objectName;
    const sql = this.host.ctx.storage.sql;
    if (object === undefined || closedGaps(sql, stream).length === 0) return;
    try {
      await this.hooks.clearStuck?.(object, stream);
      forgetGap(sql, stream);
    } catch (err) {
      console.error(`clearing stuck stream ${stream} failed; the alarm tries again`, err);
      await this.host.clock.by(clock.now());
    }
  }

  async #check(now: number): Promise<void> {
    const object = this.host.reopen()?.identity.objectName;
    if (object === undefined) return;
    const sql = this.host.ctx.storage.sql;
    for (const stream of closedGaps(sql)) await this.streams.inStream(stream, () => this.settle(stream));
    const due = waitingStreams(sql).filter((w) => w.oldestHeldAt + this.settings.timeoutMs <= now);
    for (const { stream } of due) await this.streams.inStream(stream, () => this.#ask(object, stream, now));
  }

  /** Under the stream's lock: report it, then ask for its missing sequence again, or give it up. */
  async #ask(object: string, stream: string, now: number): Promise<void> {
    const sql = this.host.ctx.storage.sql;
    const [w] = waitingStreams(sql, stream);
    if (!w) return; // filled meanwhile
    const gap = gapOf(sql, stream, w.nextSeq, now);
    if (gap.nextAt > now) return;
    try {
      const original = firstHeldOriginal(sql, stream);
      await this.hooks.reportStuck?.(object, { ...w, refetches: gap.refetches });
      if (gap.refetches >= this.settings.refetches) {
        await this.hooks.deadLetterGap?.({ object, stream, sequence: w.nextSeq, original, event: gap.event, refetches: gap.refetches });
        await this.streams.skipLocked(stream, w.nextSeq);
        return;
      }
      recordRefetch(sql, stream, now + this.settings.timeoutMs, (await this.hooks.refetch?.(original, w.nextSeq)) ?? null);
    } catch (err) {
      console.error(`gap ${stream}#${w.nextSeq}: ${err instanceof Error ? err.message : String(err)}`);
      recordRefetch(sql, stream, now + this.settings.timeoutMs, null);
    }
  }
}

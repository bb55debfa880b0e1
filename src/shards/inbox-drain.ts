import { claim, runnable, type InboxRow } from "./inbox.ts";
import type { EntityRuntime } from "./runtime.ts";
import { clock } from "../clock.ts";

/** Stored notifies claimed per look at the inbox. */
const DRAIN_BATCH = 64;
/** Extra lease time beyond a handler's timeout before a claimed notify is considered abandoned. */
const LEASE_MARGIN_MS = 5_000;

/** What a drain needs from its shard. */
export interface DrainHooks {
  /** The shard's runtime, or null when the object was never bound. */
  open(): EntityRuntime | null;
  /** Runs one claimed row (never throws: a failure is recorded on the row). */
  runRow(runtime: EntityRuntime, row: InboxRow): Promise<void>;
  /** Called once the inbox has nothing runnable left (the shard sets its alarm). */
  drained(): Promise<void>;
}

/**
 * Runs a shard's stored notifies: claims what may run and starts it, then looks again as soon as
 * any row finishes or a new one is stored (`wake`), so a slow row holds up only its own key, never
 * the other keys' rows. One drain at a time per shard.
 */
export class InboxDrain {
  #draining: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly hooks: DrainHooks,
  ) {}

  /** Runs every runnable notify, oldest first per key, until none is left. */
  drain(): Promise<void> {
    this.#draining ??= this.#loop().finally(() => (this.#draining = undefined));
    return this.#draining;
  }

  /** A row was stored: a running drain looks at the inbox again now. */
  wake(): void {
    this.#wake?.();
  }

  async #loop(): Promise<void> {
    const runtime = this.hooks.open();
    if (!runtime) return;
    const leaseMs = runtime.entity.timeoutMs + LEASE_MARGIN_MS;
    const running = new Map<number, Promise<number>>();
    for (;;) {
      const now = clock.now();
      const sql = this.storage.sql;
      const rows = runnable(sql, now, DRAIN_BATCH).filter((row) => !running.has(row.seq) && claim(sql, row.seq, now, leaseMs));
      for (const row of rows) running.set(row.seq, this.hooks.runRow(runtime, row).then(() => row.seq, () => row.seq));
      if (running.size === 0) break;
      const woken = new Promise<null>((resolve) => (this.#wake = () => resolve(null)));
      const finished = await Promise.race([...running.values(), woken]);
      this.#wake = undefined;
      if (finished !== null) running.delete(finished);
    }
    await this.hooks.drained();
  }
}

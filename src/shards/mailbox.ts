import { AppError } from "../spec/index.ts";

/**
 * The in-memory mailbox of a shard: one message at a time per entity key (messages for other
 * keys of the shard run concurrently), and a capacity over everything pending in the shard.
 * Past the capacity a message is refused with 429 `mailbox_full` and `Retry-After: 1`.
 */
export class Mailbox {
  #pending = 0;
  readonly #tails = new Map<string, Promise<void>>();

  constructor(readonly capacity: number) {}

  /** Messages accepted and not finished (running or waiting for their key). */
  get pending(): number {
    return this.#pending;
  }

  /** Throws `mailbox_full` when `extra` more messages would not fit. */
  admit(alsoPending = 0): void {
    if (this.#pending + alsoPending >= this.capacity) {
      throw new AppError("mailbox_full", `the shard's mailbox holds ${this.capacity} pending messages; retry later`, { headers: { "Retry-After": "1" } });
    }
  }

  /**
   * Runs `work` once every earlier message for `key` has finished. Call `admit` first. Durable
   * inbox rows pass `counted = false`: they are already counted as rows.
   */
  async run<T>(key: string, work: () => Promise<T>, counted = true): Promise<T> {
    const weight = counted ? 1 : 0;
    this.#pending += weight;
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release = (): void => undefined;
    const done = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => done);
    this.#tails.set(key, tail);
    try {
      await previous;
      return await work();
    } finally {
      this.#pending -= weight;
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}

import { AppError } from "../spec/index.ts";

/** The share of a shard's capacity one key may hold pending. */
export const KEY_SHARE = 0.25;

const full = (detail: string, limit: number) => new AppError("mailbox_full", `${detail}; retry later`, { headers: { "Retry-After": "1" }, extra: { limit } });

/**
 * The in-memory mailbox of a shard: one message at a time per entity key (messages for other
 * keys of the shard run concurrently), a capacity over everything pending in the shard, and a
 * share of it per key (a quarter), so one key's backlog cannot take its neighbours' turn. Past
 * either, a message is refused with 429 `mailbox_full` and `Retry-After: 1`.
 */
export class Mailbox {
  #pending = 0;
  readonly #tails = new Map<string, Promise<void>>();
  readonly #perKey = new Map<string, number>();
  /** What one key may hold pending: `KEY_SHARE` of the capacity (at least 1). */
  readonly keyCapacity: number;

  constructor(readonly capacity: number) {
    this.keyCapacity = Math.max(1, Math.floor(capacity * KEY_SHARE));
  }

  /** Messages accepted and not finished (running or waiting for their key). */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Throws `mailbox_full` when one more message would not fit: in the shard (counting
   * `alsoPending`, its stored notifies), or in `key`'s share (counting `keyAlsoPending`, the key's).
   */
  admit(alsoPending = 0, key?: string, keyAlsoPending = 0): void {
    if (this.#pending + alsoPending >= this.capacity) throw full(`the shard's mailbox holds ${this.capacity} pending messages`, this.capacity);
    if (key !== undefined && (this.#perKey.get(key) ?? 0) + keyAlsoPending >= this.keyCapacity) {
      throw full(`this key holds ${this.keyCapacity} pending messages, its share of the shard's ${this.capacity}`, this.keyCapacity);
    }
  }

  /**
   * Runs `work` once every earlier message for `key` has finished. Call `admit` first. Durable
   * inbox rows pass `counted = false`: they are already counted as rows.
   */
  async run<T>(key: string, work: () => Promise<T>, counted = true): Promise<T> {
    const weight = counted ? 1 : 0;
    this.#pending += weight;
    if (counted) this.#perKey.set(key, (this.#perKey.get(key) ?? 0) + 1);
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
      if (counted) {
        const left = (this.#perKey.get(key) ?? 1) - 1;
        if (left > 0) this.#perKey.set(key, left);
        else this.#perKey.delete(key);
      }
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}

/**
 * Counts the messages of a pool of clients that contain a marker (the JSON string of one publish),
 * so a benchmark knows when the last client has it. Shared by the WebSocket and SSE client pools.
 */
export class MarkerCounter {
  #marker: string | undefined;
  #want = 0;
  #got = 0;
  #lastAt = 0;
  #done: (() => void) | undefined;

  /** Resolves when `count` messages containing the JSON string `marker` arrived (or after `timeoutMs`), with how many did and when the last one did (`performance.now()`). */
  expect(marker: string, count: number, timeoutMs = 30_000): Promise<{ received: number; lastAt: number }> {
    this.#marker = JSON.stringify(marker);
    this.#want = count;
    this.#got = 0;
    this.#lastAt = 0;
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.#marker = undefined;
        this.#done = undefined;
        resolve({ received: this.#got, lastAt: this.#lastAt });
      };
      const timer = setTimeout(finish, timeoutMs);
      this.#done = finish;
      if (count === 0) finish();
    });
  }

  /** One message of one client. */
  seen(data: string | Buffer): void {
    if (this.#marker === undefined || !data.includes(this.#marker)) return;
    this.#got += 1;
    this.#lastAt = performance.now();
    if (this.#got >= this.#want) this.#done?.();
  }
}

import { createParser } from "eventsource-parser";
import { MarkerCounter } from "./marker-counter.ts";
import { timed } from "./stats.ts";

const OPEN_TIMEOUT_MS = 30_000;

/**
 * Opens one SSE stream and resolves once its opening bytes (the `retry:` line, written by the
 * gateway in the same step that registers the stream) arrived: from then on a publish reaches it.
 * `onEnd` fires if the stream ends or fails afterwards while the benchmark still holds it.
 */
function open(url: string, token: string, onMessage: (data: string) => void, onEnd: (why: string) => void): Promise<AbortController> {
  const abort = new AbortController();
  return new Promise((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => (abort.abort(), reject(new Error(`no retry: line after ${OPEN_TIMEOUT_MS} ms`))), OPEN_TIMEOUT_MS);
    const fail = (why: string) => (ready ? onEnd(why) : (clearTimeout(timer), reject(new Error(why))));
    const parser = createParser({
      onRetry: () => void (ready || ((ready = true), clearTimeout(timer), resolve(abort))),
      onEvent: (e) => (e.event === undefined || e.event === "message" ? onMessage(e.data) : undefined),
    });
    void (async () => {
      try {
        const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, signal: abort.signal });
        if (res.status !== 200 || !res.body) return fail(`SSE answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
        const decoder = new TextDecoder();
        for await (const chunk of res.body) parser.feed(decoder.decode(chunk, { stream: true }));
        if (!abort.signal.aborted) fail("ended by the server");
      } catch (err) {
        // An abort is ours (close); anything else ("terminated": the user workerd went away) counts.
        if (!abort.signal.aborted) fail(String((err as Error).cause ?? err));
      }
    })();
  });
}

/**
 * A set of open SSE streams and a counter of the `message` events carrying a marker, like
 * `SocketPool` for sockets. Streams that cannot open after three tries are in `failures`; streams
 * that end while held (e.g. wrangler reloaded the user workerd) are in `ends`: never silently lost.
 */
export class SsePool {
  readonly failures: string[] = [];
  readonly ends = new Map<string, number>();
  readonly #streams: AbortController[] = [];
  #closing = false;
  readonly #counter = new MarkerCounter();

  /** Opens one stream per `urls[i]` with `tokens[i]`, at most `concurrency` opening at once. */
  static async connect(urls: readonly string[], tokens: readonly string[], concurrency = 100): Promise<SsePool> {
    const pool = new SsePool();
    await timed(urls.length, concurrency, async (i) => {
      for (let attempt = 1; ; attempt++) {
        try {
          pool.#streams.push(await open(urls[i] ?? "", tokens[i] ?? "", (data) => pool.#counter.seen(data), (why) => pool.#onEnd(why)));
          return;
        } catch (err) {
          if (attempt === 3) return void pool.failures.push(String(err));
          await new Promise((r) => setTimeout(r, 250 * attempt));
        }
      }
    });
    return pool;
  }

  get size(): number {
    return this.#streams.length;
  }

  /** Streams that ended while held. */
  get ended(): number {
    return [...this.ends.values()].reduce((a, b) => a + b, 0);
  }

  /** Resolves when `count` messages containing the JSON string `marker` arrived (or after `timeoutMs`). */
  expect(marker: string, count: number, timeoutMs = 30_000): Promise<{ received: number; lastAt: number }> {
    return this.#counter.expect(marker, count, timeoutMs);
  }


  #onEnd(why: string): void {
    if (!this.#closing) this.ends.set(why, (this.ends.get(why) ?? 0) + 1);
  }

  /** Aborts every stream (the gateway notices on its next write or through the request signal). */
  close(): void {
    this.#closing = true;
    for (const abort of this.#streams) abort.abort();
  }
}

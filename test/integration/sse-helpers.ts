import { createParser, type EventSourceMessage } from "eventsource-parser";
import { exports } from "cloudflare:workers";
import { BASE } from "./helpers.ts";
import { tokenFor } from "./socket-helpers.ts";
export { eventually as until } from "../eventually.ts";

/** An SSE stream read with eventsource-parser: its events, comments and retry hints as they arrive. */
export interface TestStream {
  readonly response: Response;
  readonly events: EventSourceMessage[];
  readonly comments: string[];
  readonly retry: number[];
  /** Resolves once at least `count` events arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<EventSourceMessage[]>;
  /** Stops reading and cancels the body (the client goes away). */
  cancel(): Promise<void>;
  /** Settles when the server ends the stream. */
  readonly ended: Promise<void>;
}

/** Opens an SSE path through the Worker with a fresh token of `user`, and reads it in the background. */
export async function openStream(user: string, path: string, headers: Record<string, string> = {}): Promise<TestStream> {
  const response = await exports.default.fetch(`${BASE}${path}`, { headers: { Authorization: `Bearer ${await tokenFor(user)}`, ...headers } });
  if (response.status !== 200 || !response.body) throw new Error(`SSE answered ${response.status}: ${await response.text()}`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const stream = { response, events: [] as EventSourceMessage[], comments: [] as string[], retry: [] as number[] };
  const parser = createParser({ onEvent: (e) => stream.events.push(e), onComment: (c) => stream.comments.push(c), onRetry: (r) => stream.retry.push(r) });
  const decoder = new TextDecoder();
  const ended = (async () => {
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) parser.feed(decoder.decode(r.value, { stream: true }));
    } catch {
      // cancelled
    }
  })();
  return {
    ...stream,
    ended,
    waitFor: (count, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          if (stream.events.length >= count) return resolve(stream.events);
          if (Date.now() - started > timeoutMs) return reject(new Error(`got ${stream.events.length} of ${count} events: ${JSON.stringify(stream.events).slice(0, 500)}`));
          setTimeout(check, 5);
        };
        check();
      }),
    cancel: async () => {
      await reader.cancel();
      await ended;
    },
  };
}

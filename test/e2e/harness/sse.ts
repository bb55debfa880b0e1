import { createParser, type EventSourceMessage } from "eventsource-parser";
export { eventually as until } from "../../eventually.ts";

/** An SSE response followed with Node fetch and parsed by eventsource-parser. */
export interface Stream {
  readonly status: number;
  readonly events: (EventSourceMessage & { at: number })[];
  readonly comments: number[];
  readonly ended: Promise<void>;
  /** The unread body, when followed with `read: false`. */
  readonly body: ReadableStream<Uint8Array> | null;
  close(): void;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const fresh = (prefix = "sse") => `${prefix}-${crypto.randomUUID().slice(0, 10)}`;
export const dataOf = (e: EventSourceMessage) => (JSON.parse(e.data) as { data: unknown }).data;

/** Admin calls, user tokens and SSE streams against one `wrangler dev`; `closeAll()` after each test. */
export function sseKit(base: string, adminToken: string) {
  const auth = { Authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
  const post = async (path: string, body: unknown) => (await fetch(`${base}${path}`, { method: "POST", headers: auth, body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;
  const token = async (sub: string) => (await post("/v1/auth/tokens", { sub, ttlSeconds: 600 })).token as string;
  const streams: Stream[] = [];
  /** Follows an SSE path as `user`; `read: false` never reads the body. */
  async function follow(user: string, path: string, headers: Record<string, string> = {}, read = true): Promise<Stream> {
    const abort = new AbortController();
    const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${await token(user)}`, ...headers }, signal: abort.signal });
    const events: Stream["events"] = [];
    const comments: number[] = [];
    const parser = createParser({ onEvent: (e) => events.push({ ...e, at: Date.now() }), onComment: () => comments.push(Date.now()) });
    const decoder = new TextDecoder();
    const body = read ? null : res.body;
    const ended = (async () => {
      if (!read || !res.body) return;
      try {
        for await (const chunk of res.body) parser.feed(decoder.decode(chunk, { stream: true }));
      } catch {
        // aborted
      }
    })();
    const stream = { status: res.status, events, comments, ended, body, close: () => abort.abort() };
    streams.push(stream);
    return stream;
  }
  const closeAll = () => {
    for (const s of streams.splice(0)) s.close();
  };
  return { auth, post, token, follow, closeAll };
}

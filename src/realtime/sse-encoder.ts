/**
 * Encoding of server-sent events (WHATWG HTML, "Server-sent events"). Pure: strings in, the
 * stream's text out. A field value can never break the framing: `data` is split on every line
 * break (CRLF, CR, LF) into one `data:` line each, and `id` / `event` lose CR, LF and NUL (an `id`
 * with NUL would be ignored by the parser, a line break would start a new field).
 */

/** One event as the stream writes it. */
export interface SseEvent {
  readonly data: string;
  readonly event?: string | undefined;
  readonly id?: string | number | undefined;
}

const LINE_BREAK = /\r\n|\r|\n/;
const FORBIDDEN = /[\r\n\0]/g;

/** A field value without CR, LF and NUL. */
export function sanitizeField(value: string): string {
  return value.replace(FORBIDDEN, "");
}

/** `event:` / `id:` / `data:` lines and the blank line that dispatches the event. */
export function encodeEvent(e: SseEvent): string {
  let out = "";
  if (e.event !== undefined && e.event !== "") out += `event: ${sanitizeField(e.event)}\n`;
  if (e.id !== undefined) out += `id: ${sanitizeField(String(e.id))}\n`;
  for (const line of e.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment (`: text`), ignored by parsers: the heartbeat that keeps proxies from closing the stream. */
export function encodeComment(text = ""): string {
  return text.split(LINE_BREAK).map((line) => (line === "" ? ":" : `: ${line}`)).join("\n") + "\n\n";
}

/** The reconnection-time hint (`retry:`), on its own: it dispatches no event. */
export function encodeRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}

/** The response headers of every stream: no caching, and no buffering by nginx-style proxies. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

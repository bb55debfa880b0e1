import { AppError } from "../spec/index.ts";

/**
 * The largest serialized event message (UTF-8 bytes of its JSON) the cluster accepts. Cloudflare
 * Queues take at most 128 KB per message; 120,000 leaves room for the Queue's own framing. An event
 * over it is refused where it is emitted or published (413 `payload_too_large`), never stored.
 */
export const MAX_EVENT_MESSAGE_BYTES = 120_000;

/**
 * Bytes kept free at emit for the fields the relay adds later (`producer` of up to 256 characters,
 * `emittedAt`, `sequence`, a replay's `subscription`), so an event accepted at emit always fits.
 */
export const RELAY_FIELDS_ALLOWANCE_BYTES = 1_024;

/** UTF-8 bytes of a value's JSON. */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value) ?? "null").byteLength;
}

/** Cuts `items` into runs, in order, of at most `maxCount` items and `maxBytes` bytes (an item over `maxBytes` runs alone). */
export function batches<T>(items: readonly T[], bytesOf: (item: T) => number, maxCount: number, maxBytes: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item);
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      out.push(current);
      [current, bytes] = [[], 0];
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Throws 413 `payload_too_large` when `bytes` (an event's serialized message) is over the limit. */
export function assertEventFits(bytes: number, type: string): void {
  if (bytes <= MAX_EVENT_MESSAGE_BYTES) return;
  throw new AppError("payload_too_large", `event '${type}' would be a ${bytes}-byte Queue message; events may be at most ${MAX_EVENT_MESSAGE_BYTES} bytes serialized (Cloudflare Queues take 128 KB per message)`, {
    extra: { limit: MAX_EVENT_MESSAGE_BYTES, bytes },
  });
}

/** The size check at emit and publish: the event's fields as given, plus room for what the relay adds. */
export function assertEmitFits(event: { readonly type: string }): void {
  assertEventFits(jsonBytes(event) + RELAY_FIELDS_ALLOWANCE_BYTES, event.type);
}

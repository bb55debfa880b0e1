import type { ActivitySnapshot } from "../spec/index.ts";

const encoder = new TextEncoder();

/** Followers of the stream at once (an open inspector each); one more is refused (the route answers 429). */
export const MAX_ACTIVITY_FOLLOWERS = 100;
/** Frames a follower may leave unread before it is dropped (it can reconnect and gets a fresh snapshot). */
const MAX_UNREAD_FRAMES = 10;

/** One event of the stream: `event: activity`, the snapshot's time as its id, the snapshot as its data. */
export const activityFrame = (snap: ActivitySnapshot): string => `event: activity\nid: ${String(snap.at)}\ndata: ${JSON.stringify(snap)}\n\n`;

/**
 * The admin activity stream, served by the `~activity` object: each follower gets a snapshot at
 * once, then one a second while it stays (`event: activity`, `data:` the snapshot as JSON). The
 * timer runs only while someone follows; a follower that goes (its request's signal), whose write
 * fails, or that leaves `MAX_UNREAD_FRAMES` unread is dropped.
 */
export class ActivityStreams {
  readonly #writers = new Set<WritableStreamDefaultWriter<Uint8Array>>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly snapshot: () => ActivitySnapshot, private readonly intervalMs = 1000) {}

  /** A new follower's stream, or null when `MAX_ACTIVITY_FOLLOWERS` already follow. */
  open(signal: AbortSignal): Response | null {
    if (this.#writers.size >= MAX_ACTIVITY_FOLLOWERS) return null;
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    this.#writers.add(writer);
    signal.addEventListener("abort", () => this.#drop(writer));
    this.#send(writer, this.#frame());
    this.#timer ??= setInterval(() => this.#tick(), this.intervalMs);
    return new Response(readable, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" } });
  }

  #frame(): Uint8Array {
    return encoder.encode(activityFrame(this.snapshot()));
  }

  #tick(): void {
    if (this.#writers.size === 0) {
      if (this.#timer !== undefined) clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const frame = this.#frame();
    for (const writer of this.#writers) this.#send(writer, frame);
  }

  #send(writer: WritableStreamDefaultWriter<Uint8Array>, frame: Uint8Array): void {
    if ((writer.desiredSize ?? 0) <= -MAX_UNREAD_FRAMES) return this.#drop(writer);
    writer.write(frame).catch(() => this.#drop(writer));
  }

  #drop(writer: WritableStreamDefaultWriter<Uint8Array>): void {
    if (this.#writers.delete(writer)) writer.abort().catch(() => undefined);
  }
}

import { clock } from "../clock.ts";
import { CLOSE_CODES, REALTIME_LIMITS } from "../spec/index.ts";
import { frameBytes } from "./codec.ts";

/** What to do with an incoming frame. */
export type Verdict = { action: "accept" } | { action: "reject"; error: "frame_too_large" | "rate_limited"; message: string; data: Record<string, number> } | { action: "close"; code: number; reason: string };

interface Counters {
  windowStart: number;
  frames: number;
  oversize: number;
}

/**
 * Per-socket limits, checked before a frame is decoded: a frame over 64 KiB is refused with an
 * error frame (-32001) and the third such frame closes the socket with 1009; more than 100 frames
 * in one second are refused (-32000) and more than 200 close it with 1008. Counters live in
 * memory: a hibernated socket starts a fresh window when it wakes, which only forgives.
 */
export class SocketGuard {
  readonly #counters = new WeakMap<WebSocket, Counters>();

  check(ws: WebSocket, frame: string | ArrayBuffer, now = clock.now()): Verdict {
    let c = this.#counters.get(ws);
    if (!c) this.#counters.set(ws, (c = { windowStart: now, frames: 0, oversize: 0 }));
    if (now - c.windowStart >= 1000) {
      c.windowStart = now;
      c.frames = 0;
    }
    c.frames += 1;
    const { framesPerSecond, maxFrameBytes, oversizeFramesBeforeClose } = REALTIME_LIMITS;
    if (c.frames > 2 * framesPerSecond) return { action: "close", code: CLOSE_CODES.policy, reason: `more than ${2 * framesPerSecond} frames in one second` };
    if (c.frames > framesPerSecond) return { action: "reject", error: "rate_limited", message: "Rate limited", data: { limit: framesPerSecond, retryAfterMs: 1000 - (now - c.windowStart) } };
    const bytes = frameBytes(frame, maxFrameBytes);
    if (bytes > maxFrameBytes) {
      c.oversize += 1;
      if (c.oversize >= oversizeFramesBeforeClose) return { action: "close", code: CLOSE_CODES.tooBig, reason: `frames over ${maxFrameBytes} bytes` };
      return { action: "reject", error: "frame_too_large", message: "Frame too large", data: { limit: maxFrameBytes, bytes } };
    }
    return { action: "accept" };
  }
}

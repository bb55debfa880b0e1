/**
 * The bounded FIFO of frames written while no socket is open. Guarantees: frames leave in the
 * order they came; a push beyond `capacity` is refused (returns false) rather than evicting older
 * frames, so the caller can report the overflow.
 */

/** A frame waiting for a socket; `id` and `method` identify it for removal and error messages. */
export interface BufferedFrame {
  readonly text: string;
  readonly method: string;
  readonly id?: string;
}

/** A bounded FIFO of frames. */
export class OfflineBuffer {
  private frames: BufferedFrame[] = [];

  constructor(readonly capacity: number) {}

  /** Frames waiting. */
  get size(): number {
    return this.frames.length;
  }

  /** Appends a frame; false (and nothing stored) when the buffer is full. */
  push(frame: BufferedFrame): boolean {
    if (this.frames.length >= this.capacity) return false;
    this.frames.push(frame);
    return true;
  }

  /** Drops the frame of request `id` (a call that timed out must not run later). */
  remove(id: string): void {
    this.frames = this.frames.filter((f) => f.id !== id);
  }

  /** Empties the buffer and returns what it held, oldest first. */
  clear(): BufferedFrame[] {
    const frames = this.frames;
    this.frames = [];
    return frames;
  }
}

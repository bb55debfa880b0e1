/**
 * Calls waiting for their response, by request id. Guarantees: a call is settled at most once,
 * because every settlement first takes it out of the table (clearing its timer); a late response
 * for a taken id finds nothing and is dropped.
 */

/** A call waiting for its response. `sent` is false while its frame sits in the offline buffer. */
export interface PendingCall {
  readonly method: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  sent: boolean;
}

/** The table of pending calls. */
export class PendingCalls {
  private readonly calls = new Map<string, PendingCall>();

  /** Calls waiting. */
  get size(): number {
    return this.calls.size;
  }

  has(id: string): boolean {
    return this.calls.has(id);
  }

  add(id: string, call: PendingCall): void {
    this.calls.set(id, call);
  }

  /** Records that the call's frame went out on a socket. */
  markSent(id: string): void {
    const call = this.calls.get(id);
    if (call !== undefined) call.sent = true;
  }

  /** Removes and returns the call, its timer cleared; undefined when already settled. */
  take(id: string): PendingCall | undefined {
    const call = this.calls.get(id);
    if (call === undefined) return undefined;
    this.calls.delete(id);
    if (call.timer !== undefined) clearTimeout(call.timer);
    return call;
  }

  /** Removes and returns the calls matching `filter` (all of them by default), oldest first. */
  takeWhere(filter: (call: PendingCall) => boolean = () => true): [string, PendingCall][] {
    const taken: [string, PendingCall][] = [];
    for (const [id, call] of this.calls) if (filter(call)) taken.push([id, call]);
    for (const [id] of taken) this.take(id);
    return taken;
  }
}

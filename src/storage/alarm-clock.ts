import { deleteAlarm, getAlarm, setAlarm } from "./alarms.ts";

/**
 * The one alarm of a Durable Object, shared by everything in it that needs waking (retries,
 * leases, pruning, relays). Remembers what it last set, so asking for "an alarm by T" costs no
 * storage call when an earlier alarm is already set.
 */
export class AlarmClock {
  /** The alarm as last set by this instance; undefined until read. */
  #at: number | null | undefined;

  constructor(private readonly storage: DurableObjectStorage) {}

  /** Makes sure an alarm comes by `at` (keeps an earlier one). */
  async by(when: number): Promise<void> {
    const at = Math.max(1, when); // "due since forever" (0) means now; setAlarm refuses times <= 0
    this.#at ??= await getAlarm(this.storage);
    if (this.#at === null || this.#at > at) {
      this.#at = at; // before the await: a caller meanwhile must see the alarm this one is setting
      await setAlarm(this.storage, at);
    }
  }

  /** Sets the alarm to the earliest of `due` (nulls ignored), or clears it when nothing is due. */
  async set(due: readonly (number | null)[]): Promise<void> {
    const times = due.filter((t): t is number => t !== null).map((t) => Math.max(1, t));
    const next = times.length === 0 ? null : Math.min(...times);
    const current = this.#at === undefined ? await getAlarm(this.storage) : this.#at;
    this.#at = next; // before the awaits below, as in `by`
    if (next === null) {
      if (current !== null) await deleteAlarm(this.storage);
    } else if (current !== next) {
      await setAlarm(this.storage, next);
    }
  }

  /** Call when the alarm fired: it is no longer set. */
  fired(): void {
    this.#at = null;
  }
}

import { listDurableObjectIds, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { clock, clockControl } from "../clock.ts";
import type { ClusterEnv } from "../env.ts";
import { OUT_OF_REACH_MS } from "../storage/alarms.ts";
import { installTestHooks, type AlarmOwner, type ObjectBinding } from "./hooks.ts";

/** How far to move time: milliseconds, or a number and a unit ("90s", "10 minutes", "1 hour", "2 days"). */
export type Duration = number | string;

const UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, second: 1000, m: 60_000, min: 60_000, minute: 60_000, h: 3_600_000, hour: 3_600_000, d: 86_400_000, day: 86_400_000, week: 604_800_000 };

export function durationMs(duration: Duration): number {
  if (typeof duration === "number") {
    if (!Number.isFinite(duration) || duration < 0) throw new RangeError(`a duration is a number of milliseconds >= 0, not ${duration}`);
    return duration;
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+?)s?\s*$/i.exec(duration);
  const unit = match ? UNITS[(match[2] ?? "").toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new RangeError(`'${duration}' is not a duration: write "500ms", "90s", "10 minutes", "1 hour" or "2 days"`);
  return Number(match[1]) * unit;
}

const BINDINGS: readonly ObjectBinding[] = ["SHARDS", "SINGLETONS", "TENANTS", "FLEET"];

/** The runtime retries a thrown alarm 6 times, 2 s first, doubling; the virtual clock does the same. */
const ALARM_RETRIES = 6;

/**
 * The cluster's time, as its objects read it. It stands still from the moment the clock is made
 * (at the wall clock's reading); only `advance` moves it, firing on the way every alarm the
 * cluster's objects set for the window, in time order, each once, with `clock.now()` reading the
 * alarm's own time while it runs. An alarm due when it is set (work for now) is the runtime's to
 * fire at once, as in production; a later one is this clock's alone.
 */
export class VirtualClock {
  readonly #failures = new Map<string, number>();
  readonly #stubs = new Map<string, DurableObjectStub>();
  #started: Promise<void> | undefined;

  /** `start` runs once, before time first moves: it arms what the Worker's first request would (the tasks' alarms). */
  constructor(
    private readonly env: ClusterEnv,
    private readonly start: () => Promise<void>,
  ) {
    installTestHooks();
    clockControl.hold();
  }

  now(): number {
    return clock.now();
  }

  /** Moves time ahead by `duration`, firing the alarms due on the way in time order; answers how many fired. */
  async advance(duration: Duration): Promise<number> {
    await this.#ready();
    const target = clock.now() + durationMs(duration);
    const fired = await this.#fireUntil(target);
    clockControl.moveTo(target);
    return fired;
  }

  /** Fires the alarms already due (time does not move), until none is. */
  async runDue(): Promise<number> {
    return this.#fireUntil(clock.now());
  }

  /** Alarms set and not yet fired: object and time. */
  pending(): { binding: string; id: string; at: number }[] {
    return [...installTestHooks().alarms.values()].map(({ owner, at }) => ({ ...owner, at })).sort((a, b) => a.at - b.at);
  }

  async #fireUntil(until: number): Promise<number> {
    await this.#ready();
    const alarms = installTestHooks().alarms;
    let fired = 0;
    for (;;) {
      const next = [...alarms.entries()].filter(([, a]) => a.at <= until).sort(([, a], [, b]) => a.at - b.at)[0];
      if (next === undefined) return fired;
      const [key, { owner, at }] = next;
      clockControl.moveTo(at);
      alarms.delete(key);
      try {
        if (await runDurableObjectAlarm(this.#stub(owner))) fired++;
        this.#failures.delete(key);
      } catch {
        const failures = (this.#failures.get(key) ?? 0) + 1;
        this.#failures.set(key, failures);
        if (failures <= ALARM_RETRIES) await this.#arm(owner, clock.now() + 1000 * 2 ** failures);
        else this.#failures.delete(key); // given up, as the runtime gives up; a later alarm starts afresh
      }
    }
  }

  #ready(): Promise<void> {
    return (this.#started ??= this.#adopt().then(() => this.start()));
  }

  /**
   * Takes over the later alarms objects set before this clock held time (a request of an earlier
   * test file, the Worker's first request): noted at their time, stored out of the runtime's reach.
   */
  async #adopt(): Promise<void> {
    const alarms = installTestHooks().alarms;
    for (const binding of BINDINGS) {
      const namespace: DurableObjectNamespace = this.env[binding];
      for (const id of await listDurableObjectIds(namespace)) {
        const owner = { binding, id: id.toString() };
        if (alarms.has(`${binding}:${owner.id}`)) continue;
        const at = await runInDurableObject(this.#stub(owner), async (_instance: unknown, state: DurableObjectState) => {
          const stored = await state.storage.getAlarm();
          if (stored === null || stored <= Date.now() || stored > Date.now() + OUT_OF_REACH_MS / 2) return null;
          await state.storage.setAlarm(Date.now() + OUT_OF_REACH_MS);
          return stored + (clock.now() - Date.now());
        });
        if (at !== null) alarms.set(`${binding}:${owner.id}`, { owner, at });
      }
    }
  }

  /** Sets a failed alarm again for its retry, as `setAlarm` sets a later alarm under the test's clock. */
  async #arm(owner: AlarmOwner, at: number): Promise<void> {
    installTestHooks().alarms.set(`${owner.binding}:${owner.id}`, { owner, at });
    await runInDurableObject(this.#stub(owner), (_instance: unknown, state: DurableObjectState) => state.storage.setAlarm(Date.now() + OUT_OF_REACH_MS));
  }

  #stub(owner: AlarmOwner): DurableObjectStub {
    const key = `${owner.binding}:${owner.id}`;
    let stub = this.#stubs.get(key);
    if (stub === undefined) {
      const namespace: DurableObjectNamespace = this.env[owner.binding];
      stub = namespace.get(namespace.idFromString(owner.id));
      this.#stubs.set(key, stub);
    }
    return stub;
  }
}

import { clock } from "../clock.ts";
import { takeFault, testHooks, type AlarmOwner, type ObjectBinding } from "../testing/hooks.ts";

/**
 * The one way the platform sets, reads and clears a Durable Object's alarm. Times are on the
 * platform's clock (`clock.now()`). In production that is the wall clock and these are the storage
 * calls themselves. Under a test's virtual clock, the alarm is stored at the wall-clock moment that
 * corresponds to it and noted where the test clock fires it (`durable-cluster/testing`).
 */
const owners = new WeakMap<DurableObjectStorage, AlarmOwner>();
const keyOf = (owner: AlarmOwner): string => `${owner.binding}:${owner.id}`;

/** Called by each object class's constructor: its alarms are noted under `binding`. */
export function ownAlarms(ctx: DurableObjectState, binding: ObjectBinding): void {
  owners.set(ctx.storage, { binding, id: ctx.id.toString() });
}

/** The virtual clock's lead over the wall clock (0 in production). */
const lead = (): number => clock.now() - Date.now();
/** Under a test's clock, where a future alarm is stored: out of the runtime's reach, so only the test's clock fires it. */
export const OUT_OF_REACH_MS = 365 * 86_400_000;

/**
 * Sets the alarm for `at`. Under a test's clock, an alarm due now is the runtime's to fire at
 * once, as in production; a later one is noted for the test's clock alone (`advance` fires it),
 * so no alarm is fired by both.
 */
export async function setAlarm(storage: DurableObjectStorage, at: number): Promise<void> {
  const hooks = testHooks();
  const owner = owners.get(storage);
  if (hooks === undefined || owner === undefined) return storage.setAlarm(at);
  if (at <= clock.now()) {
    hooks.alarms.delete(keyOf(owner));
    return storage.setAlarm(Math.max(1, at - lead()));
  }
  hooks.alarms.set(keyOf(owner), { owner, at });
  await storage.setAlarm(Date.now() + OUT_OF_REACH_MS);
}

export async function getAlarm(storage: DurableObjectStorage): Promise<number | null> {
  const stored = await storage.getAlarm();
  const hooks = testHooks();
  const owner = owners.get(storage);
  if (stored === null || hooks === undefined || owner === undefined) return stored;
  const noted = hooks.alarms.get(keyOf(owner))?.at;
  if (noted !== undefined) return noted;
  // Set before the test's clock noted alarms, or handed back by the runtime for a retry: now the clock's to fire.
  const at = stored + lead();
  if (at > clock.now()) hooks.alarms.set(keyOf(owner), { owner, at });
  return at;
}

export async function deleteAlarm(storage: DurableObjectStorage): Promise<void> {
  const owner = owners.get(storage);
  if (owner !== undefined) testHooks()?.alarms.delete(keyOf(owner));
  await storage.deleteAlarm();
}

/**
 * The first thing each object's `alarm()` does: the alarm it runs is no longer set; and when a
 * test asked for it (`failNextAlarm`), this alarm throws, as a crashed handler would, and the
 * runtime retries it.
 */
export function beginAlarm(storage: DurableObjectStorage): void {
  const owner = owners.get(storage);
  const hooks = testHooks();
  if (owner === undefined || hooks === undefined) return;
  hooks.alarms.delete(keyOf(owner));
  if (takeFault("alarm", owner.id) || takeFault("alarm", owner.binding)) throw new Error(`injected alarm failure (${keyOf(owner)})`);
}

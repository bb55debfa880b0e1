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

export async function setAlarm(storage: DurableObjectStorage, at: number): Promise<void> {
  const hooks = testHooks();
  const owner = owners.get(storage);
  if (hooks === undefined || owner === undefined) return storage.setAlarm(at);
  hooks.alarms.set(keyOf(owner), { owner, at });
  await storage.setAlarm(Math.max(1, at - lead()));
}

export async function getAlarm(storage: DurableObjectStorage): Promise<number | null> {
  const stored = await storage.getAlarm();
  const hooks = testHooks();
  const owner = owners.get(storage);
  if (stored === null || hooks === undefined || owner === undefined) return stored;
  return hooks.alarms.get(keyOf(owner))?.at ?? stored + lead();
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

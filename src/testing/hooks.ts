/**
 * The platform's side of `durable-cluster/testing`: where a test's virtual clock sees the alarms
 * the cluster's objects set, and which faults a test asked for. Nothing is here until a test
 * installs it (`installTestHooks`); in production `testHooks()` is undefined and every check
 * below is one property read. No environment variable or request can install it.
 */

/** The Durable Object namespaces whose alarms the platform sets, by binding name. */
export type ObjectBinding = "SHARDS" | "SINGLETONS" | "TENANTS" | "FLEET";

export interface AlarmOwner {
  readonly binding: ObjectBinding;
  /** The object's id (`id.toString()`). */
  readonly id: string;
}

export interface TestHooks {
  /** Every alarm set while installed, at its time on the platform's clock, by `binding:id`. */
  readonly alarms: Map<string, { readonly owner: AlarmOwner; readonly at: number }>;
  /** Faults still to inject, by kind, each a count per target ("*" for any target). */
  readonly faults: Record<FaultKind, Map<string, number>>;
}

export type FaultKind = "alarm" | "duplicate" | "crashAfterEffect";

const SLOT = Symbol.for("durable-cluster.test-hooks");
const slots = globalThis as unknown as Record<symbol, TestHooks | undefined>;

/** The hooks, when a test installed them. */
export function testHooks(): TestHooks | undefined {
  return slots[SLOT];
}

/** Installs the hooks (once per isolate) and returns them. */
export function installTestHooks(): TestHooks {
  return (slots[SLOT] ??= { alarms: new Map(), faults: { alarm: new Map(), duplicate: new Map(), crashAfterEffect: new Map() } });
}

/** Uses up one injected fault of `kind` for `target` (or for any target); true when one was due. */
export function takeFault(kind: FaultKind, target: string): boolean {
  const faults = slots[SLOT]?.faults[kind];
  if (faults === undefined || faults.size === 0) return false;
  for (const key of [target, "*"]) {
    const left = faults.get(key) ?? 0;
    if (left <= 0) continue;
    if (left === 1) faults.delete(key);
    else faults.set(key, left - 1);
    return true;
  }
  return false;
}

/** The error an injected crash throws: the effect ran, and what follows it did not. */
export class InjectedCrash extends Error {
  override readonly name = "InjectedCrash";
}

/** Throws an injected crash when a test asked for one after `target`'s effect (a subscription or a saga step). */
export function crashIfAsked(target: string): void {
  if (takeFault("crashAfterEffect", target)) throw new InjectedCrash(`injected crash after the effect of '${target}'`);
}

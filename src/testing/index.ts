import { evictAllDurableObjects, evictDurableObject } from "cloudflare:test";
import { lastCluster } from "../cluster/create-cluster.ts";
import type { Cluster } from "../cluster/create-cluster.ts";
import type { EventsClient, JobsClient, SagasClient } from "../cluster/clients.ts";
import type { ClusterEnv } from "../env.ts";
import { setQueueFaults } from "../events/queue-faults.ts";
import { ensureSingletons } from "../singleton/ensure.ts";
import type { Realtime } from "../realtime/realtime.ts";
import type { AnyEntity } from "../shards/entity.ts";
import type { Router } from "../shards/index.ts";
import { installTestHooks, type FaultKind } from "./hooks.ts";
import { settled, type SettleOptions } from "./settle.ts";
import { VirtualClock } from "./virtual-clock.ts";

export { VirtualClock, durationMs, type Duration } from "./virtual-clock.ts";
export { InjectedCrash } from "./hooks.ts";
export type { SettleOptions } from "./settle.ts";

/** An entity, by its definition or its type name. */
export type EntityRef = AnyEntity | string;
/** An object whose next alarm `failNextAlarm` fails: an entity key's shard, a singleton by name, or any object. */
export type AlarmTarget = { readonly entity: EntityRef; readonly key: string } | { readonly singleton: string };

/** A cluster under test: the application's clients, its virtual clock, faults to inject, and waits. */
export interface TestCluster {
  readonly router: Router;
  readonly realtime: Realtime;
  readonly events: EventsClient;
  readonly jobs: JobsClient;
  readonly sagas: SagasClient;
  /** The cluster's time: `now()`, `advance(ms | "1 hour")`, `runDue()`. */
  readonly clock: VirtualClock;
  /** Evicts the object of an entity key's shard: its memory goes, its storage and alarm stay. */
  evict(entity: EntityRef, key: string): Promise<void>;
  /** Evicts every object of the cluster. */
  evictAll(): Promise<void>;
  /** The next message to `entity` (any entity when omitted) is delivered twice, with the same id. */
  duplicateNextDelivery(entity?: EntityRef): void;
  /** The next `n` sends to the events Queue throw (the outbox keeps the events and sends them again). */
  failNextQueueSend(n?: number): void;
  /** From now on, this share (0..1) of the events Queue's messages vanishes on the way; 0 turns it off. */
  dropQueueMessages(share: number): void;
  /** The next alarm of `target` (of any object when omitted) throws; it is retried, 2 s later, then doubling. */
  failNextAlarm(target?: AlarmTarget): void;
  /** After the effect of this subscription or saga step (by name), the next time it runs, the runtime "crashes": the effect happened, its outcome is not recorded, and it is retried. */
  crashAfterEffect(subscriptionOrStep: string): void;
  /** The injected faults not used up yet, as `kind target ×n` (empty once every fault asked for has happened). */
  pendingFaults(): string[];
  /** Waits until outboxes, inboxes, due jobs and due alarms are drained; throws naming what is still pending. */
  settled(options?: SettleOptions): Promise<void>;
  /** Waits until settled, then asserts that `read` sees the effect exactly once (a count of 1, or a list with no repeats). */
  expectExactlyOnce(read: () => Promise<number | readonly unknown[]> | number | readonly unknown[], options?: SettleOptions): Promise<void>;
}

const typeOf = (entity: EntityRef): string => (typeof entity === "string" ? entity : entity.type);
const addFault = (kind: FaultKind, target: string, n = 1): void => {
  const faults = installTestHooks().faults[kind];
  faults.set(target, (faults.get(target) ?? 0) + n);
};

/**
 * The cluster of this test's Worker, for tests that run inside workerd with the Workers vitest
 * plugin. `cluster` defaults to the one the application created (`createCluster`) in this isolate.
 *
 * @example
 * const t = testCluster(env);
 * await t.clock.advance("1 hour");
 * expect((await t.router.to(Counter).request("ticks", "get", {})).value).toBe(360);
 */
export function testCluster(env: ClusterEnv, cluster: Cluster | undefined = lastCluster()): TestCluster {
  if (cluster === undefined) throw new Error("no cluster in this isolate: import the module that calls createCluster, or pass it: testCluster(env, cluster)");
  installTestHooks();
  const clock = new VirtualClock(env, () => ensureSingletons(env.SINGLETONS, cluster.app.schedules));
  const router = cluster.router(env);
  const shardOf = (entity: EntityRef, key: string): DurableObjectStub => env.SHARDS.get(env.SHARDS.idFromString(router.locate(typeOf(entity), key).objectId));
  return {
    router,
    realtime: cluster.realtime(env),
    events: cluster.events(env),
    jobs: cluster.jobs(env),
    sagas: cluster.sagas(env),
    clock,
    evict: (entity, key) => evictDurableObject(shardOf(entity, key)),
    evictAll: () => evictAllDurableObjects(),
    duplicateNextDelivery: (entity) => addFault("duplicate", entity === undefined ? "*" : typeOf(entity)),
    failNextQueueSend: (n = 1) => setQueueFaults({ failNext: n }),
    dropQueueMessages: (share) => setQueueFaults(share > 0 ? { dropShare: share } : null),
    failNextAlarm(target) {
      if (target === undefined) return addFault("alarm", "*");
      const id = "singleton" in target ? env.SINGLETONS.idFromName(target.singleton).toString() : router.locate(typeOf(target.entity), target.key).objectId;
      addFault("alarm", id);
    },
    crashAfterEffect: (name) => addFault("crashAfterEffect", name),
    pendingFaults: () => Object.entries(installTestHooks().faults).flatMap(([kind, targets]) => [...targets].map(([target, n]) => `${kind} ${target} ×${String(n)}`)),
    settled: (options) => settled(env, clock, options),
    async expectExactlyOnce(read, options) {
      await settled(env, clock, options);
      const seen = await read();
      if (typeof seen === "number") {
        if (seen !== 1) throw new Error(`expected the effect exactly once, saw it ${String(seen)} times`);
        return;
      }
      const keys = seen.map((item) => JSON.stringify(item));
      const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
      if (keys.length === 0 || repeated.length > 0) throw new Error(keys.length === 0 ? "expected the effect exactly once, saw none" : `expected each effect once, saw repeated: ${[...new Set(repeated)].join(", ")}`);
    },
  };
}

import { createEventRegistry, type EventDefinition, type EventRegistry, type SubscriptionDefinition } from "../events/define.ts";
import { JobClient } from "../jobs/client.ts";
import { createJobRegistry, type JobDefinition, type JobRegistry } from "../jobs/define.ts";
import { createRpcRegistry, type AnyRpcMethod, type RealtimePolicy, type RpcRegistry } from "../realtime/define-rpc.ts";
import { BUILTINS } from "../realtime/dispatch.ts";
import { createRegistry, Router, type EntityRegistry } from "../shards/index.ts";
import type { AnyEntity } from "../shards/entity.ts";
import type { ServiceDefinition, TaskDefinition } from "../singleton/define.ts";
import { createScheduleRegistry, type ScheduleRegistry } from "../singleton/registry.ts";
import { Directory } from "../singleton/directory.ts";
import { defineErrors, type ErrorCatalogue, type ErrorKind } from "../spec/index.ts";
import { webhookSubscriptions } from "../webhooks/subscription.ts";
import { SagaClient } from "../workflows/saga-client.ts";
import { createSagaRegistry, type AnySaga, type SagaRegistry } from "../workflows/define-saga.ts";
import type { ClusterEnv } from "../env.ts";
import { assertNoPlatformNames, PLATFORM_ENTITIES, PLATFORM_EVENTS } from "./platform.ts";

/** An application's realtime surface: its methods and who may use the built-ins (subscribe, publish, send). */
export interface RealtimeSurface {
  readonly methods?: readonly AnyRpcMethod[];
  /** Default: anyone may subscribe to any topic; clients may neither publish nor send. */
  readonly policy?: Partial<RealtimePolicy>;
}

/**
 * What an application declares. Every field is optional; the platform adds its own entities,
 * events and subscriptions. Names are checked when the cluster is created: a duplicate, or a name
 * the platform owns, throws there, naming it.
 */
export interface ClusterApp {
  readonly entities?: readonly AnyEntity[];
  readonly events?: readonly EventDefinition[];
  readonly subscriptions?: readonly SubscriptionDefinition[];
  readonly tasks?: readonly TaskDefinition[];
  readonly services?: readonly ServiceDefinition[];
  readonly jobs?: readonly JobDefinition[];
  readonly sagas?: readonly AnySaga[];
  /** Methods callable over `/ws/:user`, or `{ methods, policy }`. */
  readonly rpc?: readonly AnyRpcMethod[] | RealtimeSurface;
  /** The application's own problem codes: `defineErrors({...})`, or the plain catalogue. */
  readonly errors?: ErrorCatalogue;
}

/** Options of a cluster. */
export interface ClusterOptions {
  /** The key-to-shard routing seed (default "": clstr-go's default). Changing it re-routes every key: a migration. */
  readonly seed?: string;
  /** The service name in the API document (default "durable-cluster"). */
  readonly name?: string;
}

/** The application as the platform runs it: registries with the platform's own declarations added. */
export interface ResolvedApp {
  readonly name: string;
  readonly entities: EntityRegistry;
  readonly events: EventRegistry;
  readonly schedules: ScheduleRegistry;
  readonly jobs: JobRegistry;
  readonly sagas: SagaRegistry;
  readonly rpc: RpcRegistry;
  readonly errors: readonly ErrorKind[];
  /** The entity router of an environment (one per env object). */
  router(env: ClusterEnv): Router;
  /** Submits and manages the application's jobs. */
  jobClient(env: ClusterEnv): JobClient;
  /** Starts and inspects the application's sagas. */
  sagaClient(env: ClusterEnv): SagaClient;
}

/** Builds the registries of an application; throws on a duplicate or on a platform name, naming it. */
export function resolveApp(app: ClusterApp, options: ClusterOptions = {}): ResolvedApp {
  const declared = { entities: app.entities ?? [], events: app.events ?? [], subscriptions: app.subscriptions ?? [] };
  assertNoPlatformNames(declared);
  const events = [...declared.events, ...PLATFORM_EVENTS];
  const entities = createRegistry([...declared.entities, ...PLATFORM_ENTITIES], { seed: options.seed ?? "" });
  const surface: RealtimeSurface = Array.isArray(app.rpc) ? { methods: app.rpc as readonly AnyRpcMethod[] } : ((app.rpc ?? {}) as RealtimeSurface);
  const routers = new WeakMap<object, Router>();
  const router = (env: ClusterEnv): Router => {
    const known = routers.get(env);
    if (known) return known;
    const created = new Router(env.SHARDS, entities);
    routers.set(env, created);
    return created;
  };
  assertReferencesDeclared(entities, declared.subscriptions, app.services ?? []);
  const resolved: ResolvedApp = {
    name: options.name ?? "durable-cluster",
    entities,
    events: createEventRegistry(events, [...declared.subscriptions, ...webhookSubscriptions(events)]),
    schedules: createScheduleRegistry(app.tasks ?? [], app.services ?? []),
    jobs: createJobRegistry(app.jobs ?? []),
    sagas: createSagaRegistry(app.sagas ?? []),
    rpc: createRpcRegistry(surface.methods ?? [], surface.policy, BUILTINS),
    errors: Object.values(defineErrors(app.errors ?? {})),
    router,
    jobClient: (env) => new JobClient(env.SHARDS, resolved.jobs, new Directory(env.SINGLETONS), entities.seed),
    sagaClient: (env) => new SagaClient(env.SAGAS, router(env), resolved.sagas, new Directory(env.SINGLETONS)),
  };
  return resolved;
}

/** An entity a subscription delivers to, or a service is partitioned by, must be declared: else it would fail only when it runs. */
function assertReferencesDeclared(entities: EntityRegistry, subscriptions: readonly SubscriptionDefinition[], services: readonly ServiceDefinition[]): void {
  for (const s of subscriptions) {
    if ("entityType" in s.to && !entities.find(s.to.entityType)) throw new Error(`createCluster: subscription '${s.name}' delivers to entity type '${s.to.entityType}', which the app does not declare`);
  }
  for (const s of services) {
    if (s.partitionedBy !== undefined && !entities.find(s.partitionedBy)) throw new Error(`createCluster: service '${s.name}' is partitioned by entity type '${s.partitionedBy}', which the app does not declare`);
  }
}

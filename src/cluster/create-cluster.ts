import { createApp, routeMatcher } from "../http/app.ts";
import { pathOf } from "../http/path.ts";
import { realtime, type Realtime } from "../realtime/realtime.ts";
import type { Router } from "../shards/index.ts";
import type { ClusterEnv } from "../env.ts";
import { resolveApp, type ClusterApp, type ClusterOptions, type ResolvedApp } from "./app.ts";
import { eventsClient, jobsClient, sagasClient, type EventsClient, type JobsClient, type SagasClient } from "./clients.ts";
import { workerHandlers, type ExecutionContextLike, type WorkerHandlers } from "./handlers.ts";
import { bindObjects, type ClusterObjects } from "./objects.ts";

/** A cluster: the Worker's entry points, the classes to export, and typed helpers for the application's own code. */
export interface Cluster extends Pick<WorkerHandlers, "fetch" | "queue" | "scheduled"> {
  /** The Durable Object and Workflow classes bound to this application: export each by name from the Worker's entry. */
  readonly objects: ClusterObjects;
  /** The application as the platform runs it (its registries, with the platform's own declarations). */
  readonly app: ResolvedApp;
  /**
   * The cluster's HTTP API for an application with its own router: the response, or null when no
   * route of the cluster matches (its routes are under `/v1/` and `/ws/`, plus the probes,
   * `/openapi.json` and `/docs`), so the app's own routes, `/v1/…` ones included, stay reachable.
   */
  route(request: Request, env: ClusterEnv, ctx: ExecutionContextLike): Promise<Response | null>;
  /** Entity messages: `router(env).to(Cart).request(key, "add", input)`. */
  router(env: ClusterEnv): Router;
  /** Send to a user's sockets and streams, publish to a topic. */
  realtime(env: ClusterEnv): Realtime;
  /** Publish domain events. */
  events(env: ClusterEnv): EventsClient;
  /** Submit and manage jobs. */
  jobs(env: ClusterEnv): JobsClient;
  /** Start and inspect sagas. */
  sagas(env: ClusterEnv): SagasClient;
}

/**
 * Creates the cluster of an application: every entity, task, job, event, saga and realtime method
 * it declares is served by the platform's Durable Objects, addressed by name; the application
 * writes no coordination code. Declarations are checked here: a duplicate name, or one the
 * platform owns, throws, naming it.
 *
 * @example
 * const cluster = createCluster({ entities: [Counter], tasks: [heartbeat], rpc: [counterAdd] });
 * export default cluster;
 * export class ShardObject extends cluster.objects.ShardObject {} // and SingletonObject, GatewayObject, TenantObject, SagaWorkflow
 */
export function createCluster(app: ClusterApp = {}, options: ClusterOptions = {}): Cluster {
  const resolved = resolveApp(app, options);
  const http = createApp(resolved);
  const handlers = workerHandlers(resolved, http);
  const isClusterRoute = routeMatcher(http);
  const cluster: Cluster = {
    fetch: (request, env, ctx) => handlers.fetch(request, env, ctx),
    queue: (batch, env, ctx) => handlers.queue(batch, env, ctx),
    scheduled: (controller, env, ctx) => handlers.scheduled(controller, env, ctx),
    objects: bindObjects(resolved),
    app: resolved,
    async route(request, env, ctx) {
      handlers.activate(env, ctx); // the app's own traffic arms the scheduled tasks too
      return isClusterRoute(request.method, pathOf(request.url)) ? handlers.fetch(request, env, ctx) : null;
    },
    router: (env) => resolved.router(env),
    realtime: (env) => realtime(env),
    events: (env) => eventsClient(resolved, env),
    jobs: (env) => jobsClient(resolved, env),
    sagas: (env) => sagasClient(resolved, env),
  };
  created.latest = cluster;
  return cluster;
}

// The cluster this isolate created last: `durable-cluster/testing` finds the application's cluster here.
const CREATED = Symbol.for("durable-cluster.created");
const created = ((globalThis as unknown as Record<symbol, { latest?: Cluster } | undefined>)[CREATED] ??= {});

/** The cluster `createCluster` made last in this isolate (the test kit's default). */
export function lastCluster(): Cluster | undefined {
  return created.latest;
}

import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ExecutionContext as HonoExecutionContext } from "hono";
import { consumeDeadLetters, consumeEvents } from "../events/consumer.ts";
import { deadLetters } from "../events/dlq-client.ts";
import { producerStub } from "../events/producer-client.ts";
import { bindingsPresent, missingBindingsError } from "../health/bindings.ts";
import type { AppEnv } from "../http/env.ts";
import { pathOf } from "../http/path.ts";
import { PUBLIC_PATHS } from "../http/middleware/auth.ts";
import { ensureSingletons } from "../singleton/ensure.ts";
import { runtimeConfig } from "../spec/index.ts";
import type { ClusterEnv } from "../env.ts";
import type { ResolvedApp } from "./app.ts";

/** What a request handler needs of its execution context: the Workers runtime's, or hono's `c.executionCtx`. */
export type ExecutionContextLike = HonoExecutionContext;

/** A Queue whose name ends so is the events' dead-letter queue (`events-dlq`, `<app>-events-dlq`). */
export const DEAD_LETTER_QUEUE_SUFFIX = "events-dlq";
/** While a binding is missing, consumed batches come back this much later. */
const MISCONFIGURED_RETRY_SECONDS = 300;

/** The Worker's entry points of a cluster: what `export default createCluster(app)` hands the runtime. */
export interface WorkerHandlers {
  fetch(request: Request, env: ClusterEnv, ctx: ExecutionContextLike): Promise<Response>;
  /** Consumers of `events` (delivery to subscriptions) and `events-dlq` (the dead-letter list). Never throws. */
  queue(batch: MessageBatch, env: ClusterEnv, ctx: ExecutionContext): Promise<void>;
  /** The cron trigger: a safety net that re-activates every singleton declared in code. */
  scheduled(controller: ScheduledController, env: ClusterEnv, ctx: ExecutionContext): void;
  /** Once per isolate, on its first real request: activates the singletons declared in code (their alarms). */
  activate(env: ClusterEnv, ctx: ExecutionContextLike): void;
}

/**
 * Builds the entry points. The first request of an isolate (past the probes) activates the
 * singletons declared in code, so a fresh deploy arms their alarms without waiting for a call.
 */
export function workerHandlers(cluster: ResolvedApp, http: OpenAPIHono<AppEnv>): WorkerHandlers {
  let singletonsEnsured = false;
  const ensure = (env: ClusterEnv, ctx: ExecutionContextLike) => ctx.waitUntil(ensureSingletons(env.SINGLETONS, cluster.schedules));
  const handlers: WorkerHandlers = {
    activate(env, ctx) {
      // Without its bindings the request itself answers 503 misconfigured, naming them.
      if (singletonsEnsured || !bindingsPresent(env)) return;
      singletonsEnsured = true;
      ensure(env, ctx);
    },
    async fetch(request, env, ctx) {
      if (!PUBLIC_PATHS.has(pathOf(request.url))) handlers.activate(env, ctx);
      return http.fetch(request, env, ctx);
    },
    scheduled(_controller, env, ctx) {
      if (bindingsPresent(env)) ensure(env, ctx);
      else console.error("durable-cluster: scheduled trigger skipped:", missingBindingsError(env).message);
    },
    queue(batch, env) {
      if (!bindingsPresent(env)) {
        console.error("durable-cluster: events not consumed:", missingBindingsError(env).message);
        batch.retryAll({ delaySeconds: MISCONFIGURED_RETRY_SECONDS }); // never throw from a consumer
        return Promise.resolve();
      }
      const dlq = deadLetters(env.SINGLETONS);
      const ack = (producer: string, eventIds: string[]) => producerStub(env.SHARDS, producer).ackEvents(eventIds);
      if (batch.queue.endsWith(DEAD_LETTER_QUEUE_SUFFIX)) return consumeDeadLetters(batch, dlq, ack);
      const config = runtimeConfig(env);
      return consumeEvents(batch, { env, router: cluster.router(env), registry: cluster.events, dlq, ack, retryBaseSeconds: config.EVENT_RETRY_BASE_SECONDS, tenantIsolation: config.TENANT_ISOLATION });
    },
  };
  return handlers;
}


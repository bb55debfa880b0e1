import type { z } from "zod";
import type { EventDefinition } from "../events/define.ts";
import { publishEvent } from "../events/publish.ts";
import type { JobDefinition } from "../jobs/define.ts";
import { JobListQuerySchema, PublishEventSchema, SubmitJobSchema, validationError, type JobListQuery, type JobPage, type JobView, type SagaRecord, type SagaStarted, type SubmittedJob } from "../spec/index.ts";
import type { AnySaga, SagaDefinition } from "../workflows/define-saga.ts";
import type { ClusterEnv } from "../env.ts";
import type { ResolvedApp } from "./app.ts";

/** Where and how an event is published. A `tenantId` makes it tenant-scoped (its tenant's webhooks and subscriptions). */
export interface PublishOptions {
  /** Orders events with this key: subscribers see them in publish order. */
  readonly partitionKey?: string;
  readonly tenantId?: string;
  /** Fixes the event id: a repeat with the same id is a duplicate, published once. */
  readonly eventId?: string;
}

/** Publishes domain events from the application's own code. */
export interface EventsClient {
  /** Resolves once the event is durable in an outbox; an unknown type or an invalid payload throws 400, nothing stored. */
  publish<P extends z.ZodType>(event: EventDefinition<P> | string, payload: z.input<P>, options?: PublishOptions): Promise<{ eventId: string; duplicate: boolean }>;
}

/** When and where a job runs. */
export interface SubmitOptions {
  /** Handed to the handler as `ctx.key`; routes the job to the shard owning this key. */
  readonly key?: string;
  readonly runAt?: Date | number;
  readonly delayMs?: number;
  readonly maxAttempts?: number;
  /** A repeat with the same key finds the first job. */
  readonly idempotencyKey?: string;
}

/** Submits and manages jobs from the application's own code. */
export interface JobsClient {
  submit<I extends z.ZodType>(job: JobDefinition<I> | string, input: z.input<I>, options?: SubmitOptions): Promise<SubmittedJob>;
  get(id: string): Promise<JobView>;
  cancel(id: string): Promise<JobView>;
  retry(id: string): Promise<JobView>;
  list(query?: Partial<JobListQuery>): Promise<JobPage>;
}

/** Starts and inspects sagas from the application's own code. */
export interface SagasClient {
  /** `instanceId` makes a repeat answer the first instance (`duplicate: true`). */
  start<S extends z.ZodType>(saga: SagaDefinition<S> | string, input: z.input<S>, options?: { instanceId?: string }): Promise<SagaStarted>;
  get(saga: AnySaga | string, instanceId: string): Promise<SagaRecord>;
  cancel(saga: AnySaga | string, instanceId: string): Promise<SagaRecord>;
}

const nameOf = (declared: { type: string } | { name: string } | string): string => (typeof declared === "string" ? declared : "type" in declared ? declared.type : declared.name);

export function eventsClient(cluster: ResolvedApp, env: ClusterEnv): EventsClient {
  return {
    async publish(event, payload, { eventId, tenantId, partitionKey } = {}) {
      const parsed = PublishEventSchema.safeParse({ type: nameOf(event), payload, scope: tenantId ? "tenant" : "cluster", partitionKey, tenantId });
      if (!parsed.success) throw validationError(parsed.error, "event");
      return publishEvent(cluster.router(env), cluster.events, parsed.data, eventId);
    },
  };
}

export function jobsClient(cluster: ResolvedApp, env: ClusterEnv): JobsClient {
  const client = cluster.jobClient(env);
  return {
    async submit(job, input, { idempotencyKey, runAt, ...options } = {}) {
      const request = SubmitJobSchema.safeParse({ type: nameOf(job), input, ...options, ...(runAt === undefined ? {} : { runAt: runAt instanceof Date ? runAt.getTime() : runAt }) });
      if (!request.success) throw validationError(request.error, "job");
      return client.submit(request.data, idempotencyKey);
    },
    get: (id) => client.get(id),
    cancel: (id) => client.cancel(id),
    retry: (id) => client.retry(id),
    async list(query = {}) {
      const parsed = JobListQuerySchema.safeParse(query);
      if (!parsed.success) throw validationError(parsed.error, "query");
      return client.list(parsed.data);
    },
  };
}

export function sagasClient(cluster: ResolvedApp, env: ClusterEnv): SagasClient {
  const client = cluster.sagaClient(env);
  return {
    start: (saga, input, options = {}) => client.start(nameOf(saga), input, options.instanceId),
    get: (saga, instanceId) => client.get(nameOf(saga), instanceId),
    cancel: (saga, instanceId) => client.cancel(nameOf(saga), instanceId),
  };
}

import { DurableObject } from "cloudflare:workers";
import { beginAlarm, ownAlarms } from "../storage/alarms.ts";
import { AppError, runtimeConfig, type EntityKey, type Envelope } from "../spec/index.ts";
import type { PartitionTick } from "../singleton/services.ts";
import { delivered, type Accepted, type Delivery, type Reply, type ShardStub, type ShardTarget } from "../shards/delivery.ts";
import type { BatchItem, BatchReply } from "../shards/delivery-batch.ts";
import { ShardHost } from "../shards/shard-host.ts";
import { OrderedDeliveries, type OrderedReply, type SkipStatus } from "../shards/ordered-delivery.ts";
import type { OrderedDelivery } from "../shards/ordering.ts";
import { shardEventHooks, type ProducerHooks } from "../events/hooks.ts";
import type { ResendRequest } from "../events/producer-client.ts";
import { SHARD_MIGRATIONS } from "../shards/shard-schema.ts";
import { inspectEntity, type EntityInspection } from "../shards/inspect.ts";
import { listSagaRecords, type SagaCursor } from "../workflows/saga-list.ts";
import { runMigrations } from "../storage/migrations.ts";
import type { Pong } from "./ping.ts";
import { announce } from "../singleton/directory.ts";
import { JobRunner } from "../jobs/job-runner.ts";
import type { JobShardStub } from "../jobs/client.ts";
import type { NewJob } from "../jobs/job-store.ts";
import type { EventMessage, JobDetail, JobListQuery, JobStatus, JobView, SagaStatus, SubmittedJob } from "../spec/index.ts";
import type { ClusterEnv } from "../env.ts";
import type { ResolvedApp } from "../cluster/app.ts";

/** Shard types whose objects reads look up in the directory first (a job or saga read creates nothing). */

/** How many of an entity's last messages with an id its inspection lists. */
const RECENT_MESSAGES = 20;

/**
 * One shard of one entity type (`<entityType>/<shard>`): the single owner of its entities.
 * Single-threaded, so claims need no locks. A thin shell: the work is in `ShardHost`.
 */
export class ShardObject extends DurableObject<ClusterEnv> implements ShardStub, JobShardStub {
  readonly #host: ShardHost;
  readonly #ordered: OrderedDeliveries;
  readonly #jobs: JobRunner;
  readonly #app: ResolvedApp;
  readonly #producer: ProducerHooks;

  /** Constructed by the runtime through the class `createCluster` binds to the application. */
  constructor(ctx: DurableObjectState, env: ClusterEnv, app: ResolvedApp) {
    super(ctx, env);
    ownAlarms(ctx, "SHARDS");
    this.#app = app;
    const { streams, producer, ...events } = shardEventHooks(env, app.events, () => app.router(env));
    const config = runtimeConfig(env);
    this.#producer = producer;
    this.#host = new ShardHost(ctx, env, app.entities, config.ENTITY_MAILBOX_CAPACITY, {
      ...events,
      onAlarm: async () => void (await Promise.all([this.#ordered.onAlarm(), this.#jobs.onAlarm()])),
      nextDue: () => earliest(this.#ordered.nextDue(), this.#jobs.nextDue()),
    });
    this.#ordered = new OrderedDeliveries(this.#host, streams, { timeoutMs: config.EVENT_GAP_TIMEOUT_MS, refetches: config.EVENT_GAP_REFETCHES });
    this.#jobs = new JobRunner(this.#host, app.jobs, env, config.JOB_QUEUE_CAPACITY);
    // Every activation re-arms the alarm from state: an outbox row committed just before an
    // eviction is relayed even if its relay and its alarm never happened.
    void ctx.blockConcurrencyWhile(async () => {
      runMigrations(ctx.storage, SHARD_MIGRATIONS);
      await this.#host.schedule(); // first: the alarm that relays owed events is re-armed whatever follows
      // Listed in the directory once in its life, so a read (a job, a saga, an entity's state) never creates one.
      await announce(ctx.storage, env.SINGLETONS, "shard", ctx.id.name);
    });
  }

  ping(): Pong {
    return { ok: true, object: "ShardObject" };
  }

  deliver(target: ShardTarget, key: EntityKey, envelope: Envelope): Promise<Delivery<Reply>> {
    return delivered(() => this.#host.request(target, key, envelope));
  }

  enqueue(target: ShardTarget, key: EntityKey, envelope: Envelope): Promise<Delivery<Accepted>> {
    return delivered(() => this.#host.notify(target, key, envelope));
  }

  deliverOrdered(target: ShardTarget, key: EntityKey, envelope: Envelope, order: OrderedDelivery, original: unknown): Promise<Delivery<OrderedReply>> {
    return delivered(() => this.#ordered.deliver(target, key, envelope, order, original));
  }

  deliverMany(target: ShardTarget, items: readonly BatchItem[]): Promise<Delivery<BatchReply>[]> {
    return Promise.all(items.map((item) => (item.order ? this.deliverOrdered(target, item.key, item.envelope, { stream: item.order.stream, sequence: item.order.sequence }, item.order.original) : this.deliver(target, item.key, item.envelope))));
  }

  skipOrdered(target: ShardTarget, stream: string, sequence: number): Promise<Delivery<{ status: "skipped" | "marked" | "passed" }>> {
    return delivered(() => this.#ordered.skip(target, stream, sequence));
  }

  /** The ordered stream `stream` of this (bound) shard passes `sequence`: the stuck-stream route. */
  skipStream(stream: string, sequence: number): Promise<Delivery<SkipStatus>> {
    return delivered(() => this.#ordered.skipAt(stream, sequence, { late: true }));
  }

  /** An entity's rows here, read only (the inspector's `GET …/_state`). */
  inspect(key: EntityKey): EntityInspection {
    return inspectEntity(this.ctx.storage.sql, key, RECENT_MESSAGES);
  }

  /** Saga records of this saga-log shard, newest first (`GET /v1/sagas`). */
  listSagas(filter: { name?: string | undefined; status?: SagaStatus | undefined }, after: SagaCursor | null, limit: number): string[] {
    return listSagaRecords(this.ctx.storage.sql, filter, after, limit);
  }

  /** The consumer's acknowledgement of events this shard emitted: they are no longer owed. */
  ackEvents(eventIds: string[]): number {
    const acked = this.#producer.ack(this.ctx.storage.sql, eventIds);
    this.#host.activity.owedChanged(-acked);
    return acked;
  }

  /** A sequence a subscriber's stream waits for, asked again (see `ProducerHooks.resend`). */
  resendEvent(request: ResendRequest): Promise<EventMessage | null> {
    const producer = this.#host.reopen()?.identity.objectName; // a shard never bound emitted nothing
    return producer === undefined ? Promise.resolve(null) : this.#producer.resend(this.ctx.storage.sql, producer, request);
  }

  broadcast(target: ShardTarget, envelope: Envelope): Promise<Delivery<unknown>> {
    return delivered(() => this.#host.broadcast(target, envelope));
  }

  /** One partition of a scheduled service (leader strategies `partitioned` and `idempotent-broadcast`). */
  runService(target: ShardTarget, name: string, tick: PartitionTick): Promise<Delivery<{ duplicate: boolean }>> {
    return delivered(() => {
      const service = this.#app.schedules.service(name);
      if (!service) throw new AppError("not_found", `no service '${name}'`);
      return this.#host.runPartition(target, name, tick.tickId, tick.dedup, async (shard) => {
        await service.run({ tickId: tick.tickId, scheduledAt: new Date(tick.scheduledAt), env: this.env, router: this.#app.router(this.env), shard, cluster: { requestId: tick.tickId, isLeader: false } });
      });
    });
  }

  /** Jobs (JOBS-01), in `Jobs/<shard>` objects. */
  submitJob(target: ShardTarget, job: NewJob): Promise<Delivery<SubmittedJob>> {
    return delivered(() => this.#jobs.submit(target, job));
  }

  jobView(_target: ShardTarget, id: string): Promise<Delivery<JobDetail | null>> {
    return delivered(() => this.#jobs.view(id));
  }

  cancelJob(_target: ShardTarget, id: string): Promise<Delivery<JobView>> {
    return delivered(() => this.#jobs.cancel(id));
  }

  retryJob(target: ShardTarget, id: string): Promise<Delivery<JobView>> {
    return delivered(() => this.#jobs.retry(target, id));
  }

  listJobs(_target: ShardTarget, filter: Pick<JobListQuery, "status" | "type">, after: { createdAt: number; id: string } | null, limit: number): Promise<Delivery<JobView[]>> {
    return delivered(() => this.#jobs.list(filter, after, limit));
  }

  jobCounts(_target: ShardTarget): Promise<Delivery<Partial<Record<JobStatus, number>>>> {
    return delivered(() => this.#jobs.counts());
  }

  override alarm(): Promise<void> {
    beginAlarm(this.ctx.storage);
    return this.#host.alarm();
  }
}

function earliest(...times: (number | null)[]): number | null {
  const set = times.filter((t): t is number => t !== null);
  return set.length === 0 ? null : Math.min(...set);
}

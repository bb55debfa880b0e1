import { DurableObject } from "cloudflare:workers";
import { beginAlarm, ownAlarms } from "../storage/alarms.ts";
import { delivered, type Delivery } from "../shards/delivery.ts";
import { SingletonHost } from "../singleton/singleton-host.ts";
import { SINGLETON_MIGRATIONS } from "../singleton/store-schema.ts";
import { runtimeConfig, type DeadLetter, type EventMessage, type StuckStream, type TaskId, type TaskPut, type TaskRun, type TaskView } from "../spec/index.ts";
import { runMigrations } from "../storage/migrations.ts";
import { actionEvents } from "../events/publish.ts";
import { actionJobs } from "../jobs/actions.ts";
import { deleteDead, getDead, listDead, recordFailures, storeDead, storeGap, storeInvalid, storeUnrelayed, type DeadFilter, type Failure, type GapDeadLetter } from "../events/dead-letters.ts";
import { clearStuck, listStuck, reportStuck, type StuckReport } from "../events/stuck-streams.ts";
import { announce, hasObject, noteObject, objectsUnder, type ObjectKind } from "../singleton/directory.ts";
import type { Pong } from "./ping.ts";
import type { ClusterEnv } from "../env.ts";
import type { ResolvedApp } from "../cluster/app.ts";
import { clock } from "../clock.ts";
import { activitySnapshot, recordReports } from "../activity/store.ts";
import { ActivityStreams } from "../activity/stream.ts";
import { ACTIVITY_OBJECT, type ActivityReport } from "../activity/report.ts";
import type { ActivitySnapshot } from "../spec/index.ts";

/**
 * One per singleton name: its tasks share one alarm, re-armed from state on every activation, so
 * a deploy or an eviction never breaks the chain. A thin shell over `SingletonHost`.
 */
export class SingletonObject extends DurableObject<ClusterEnv> {
  readonly #host: SingletonHost;
  #streams: ActivityStreams | undefined;

  /** Constructed by the runtime through the class `createCluster` binds to the application. */
  constructor(ctx: DurableObjectState, env: ClusterEnv, app: ResolvedApp) {
    super(ctx, env);
    ownAlarms(ctx, "SINGLETONS");
    const config = runtimeConfig(env);
    const router = app.router(env);
    this.#host = new SingletonHost(ctx.storage, { env, router, schedules: app.schedules, allowPrivateUrls: config.ALLOW_PRIVATE_URLS, events: actionEvents(router, app.events), jobs: actionJobs(env, app.jobs) });
    void ctx.blockConcurrencyWhile(async () => {
      runMigrations(ctx.storage, SINGLETON_MIGRATIONS);
      await announce(ctx.storage, env.SINGLETONS, "singleton", ctx.id.name);
      await this.#host.activate(ctx.id.name);
    });
  }

  ping(): Pong {
    return { ok: true, object: "SingletonObject" };
  }

  /** Activates the singleton: binds its name, syncs the tasks declared in code, arms the alarm. */
  sync(name: string): Promise<Delivery<{ tasks: number }>> {
    return delivered(async () => {
      await this.#host.activate(name);
      return { tasks: this.#host.list().length };
    });
  }

  putTask(name: string, id: TaskId, put: TaskPut): Promise<Delivery<{ created: boolean; task: TaskView }>> {
    return delivered(async () => (await this.#host.activate(name), this.#host.put(id, put)));
  }

  listTasks(name: string): Promise<Delivery<TaskView[]>> {
    return delivered(async () => (await this.#host.activate(name), this.#host.list()));
  }

  getTask(name: string, id: string): Promise<Delivery<TaskView>> {
    return delivered(async () => (await this.#host.activate(name), this.#host.view(id)));
  }

  deleteTask(name: string, id: string): Promise<Delivery<null>> {
    return delivered(async () => (await this.#host.activate(name), await this.#host.remove(id), null));
  }

  setPaused(name: string, id: string, paused: boolean): Promise<Delivery<TaskView>> {
    return delivered(async () => (await this.#host.activate(name), this.#host.pause(id, paused)));
  }

  trigger(name: string, id: string): Promise<Delivery<TaskRun>> {
    return delivered(async () => (await this.#host.activate(name), this.#host.scheduler.trigger(id)));
  }

  runs(name: string, id: string): Promise<Delivery<TaskRun[]>> {
    return delivered(async () => (await this.#host.activate(name), this.#host.runs(id)));
  }

  /** Dead letters (this singleton is `events-dlq`): failures of attempts, dead events, and the list. */
  recordEventFailures(eventId: string, failures: Failure[], attempt: number): void {
    this.ctx.storage.transactionSync(() => recordFailures(this.ctx.storage.sql, eventId, failures, attempt, clock.now()));
  }

  storeDeadEvent(event: EventMessage, attempts: number): number {
    return this.ctx.storage.transactionSync(() => storeDead(this.ctx.storage.sql, event, attempts, clock.now()));
  }

  storeInvalidEvent(raw: unknown, reason: string): void {
    storeInvalid(this.ctx.storage.sql, raw, reason, clock.now());
  }

  storeUnrelayedEvent(event: EventMessage, error: { message: string; code: string }, attempts: number): void {
    storeUnrelayed(this.ctx.storage.sql, event, error, attempts, clock.now());
  }

  listDeadEvents(filter: DeadFilter): { items: DeadLetter[]; nextCursor: string | null } {
    return listDead(this.ctx.storage.sql, filter);
  }

  getDeadEvent(id: string): DeadLetter | null {
    return getDead(this.ctx.storage.sql, id);
  }

  deleteDeadEvent(id: string): boolean {
    return deleteDead(this.ctx.storage.sql, id);
  }

  storeGapDeadLetter(gap: GapDeadLetter, refetches: number): void {
    this.ctx.storage.transactionSync(() => storeGap(this.ctx.storage.sql, gap, refetches, clock.now()));
  }

  /** Streams waiting on a gap (this singleton is `events-dlq`): reported and cleared by subscriber shards. */
  reportStuckStream(report: StuckReport): void {
    reportStuck(this.ctx.storage.sql, report, clock.now());
  }

  clearStuckStream(object: string, stream: string): void {
    clearStuck(this.ctx.storage.sql, object, stream);
  }

  listStuckStreams(limit: number, stream?: string): StuckStream[] {
    return listStuck(this.ctx.storage.sql, clock.now(), limit, stream);
  }

  /** The directory (this singleton is `~directory`): objects note themselves, reads look them up. */
  noteObject(kind: ObjectKind, name: string): void {
    noteObject(this.ctx.storage.sql, kind, name, clock.now());
  }

  hasObject(kind: ObjectKind, name: string): boolean {
    return hasObject(this.ctx.storage.sql, kind, name);
  }

  objectsUnder(kind: ObjectKind, prefix: string): string[] {
    return objectsUnder(this.ctx.storage.sql, kind, prefix);
  }

  /** The cluster's activity (this singleton is `~activity`): shards report, the inspector reads and follows. */
  recordActivity(reports: ActivityReport[]): void {
    recordReports(this.ctx.storage.sql, reports, clock.now());
  }

  activity(): ActivitySnapshot {
    return activitySnapshot(this.ctx.storage.sql, clock.now());
  }

  /** `GET /v1/activity/stream`, forwarded by the Worker (only `~activity` serves it; 429 past its followers). */
  override fetch(request: Request): Response {
    if (this.ctx.id.name !== ACTIVITY_OBJECT) return new Response(null, { status: 404 });
    this.#streams ??= new ActivityStreams(() => this.activity());
    return this.#streams.open(request.signal) ?? new Response(null, { status: 429 });
  }

  override alarm(): Promise<void> {
    beginAlarm(this.ctx.storage);
    return this.#host.scheduler.alarm();
  }
}

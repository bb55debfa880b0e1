import { AppError, runtimeConfig, type EntityKey, type Envelope } from "../spec/index.ts";
import { DEDUP_RETENTION_MS, findReply, recordReply } from "./dedup.ts";
import { shardNextDue } from "./housekeeping.ts";
import type { Accepted, Reply, ShardTarget } from "./delivery.ts";
import type { AnyEntity, ShardContext } from "./entity.ts";
import { complete, enqueue, INBOX_MAX_ATTEMPTS, inboxRetryDelay, release, waiting, waitingFor, type InboxRow } from "./inbox.ts";
import { InboxDrain } from "./inbox-drain.ts";
import { Mailbox } from "./mailbox.ts";
import { AlarmClock } from "../storage/alarm-clock.ts";
import type { EntityRegistry } from "./registry.ts";
import { EntityRuntime, withDeadline } from "./runtime.ts";
import { assertSameRouting, bindShard, storedTarget } from "./shard-meta.ts";
import { allStates } from "./state-store.ts";
import { outboxStatus, type EventValidator, type PendingEvent } from "../storage/outbox.ts";
import { RelayDriver, type RelayHooks } from "./relay-driver.ts";
import type { ClusterEnv } from "../env.ts";
import { clock } from "../clock.ts";
import { ActivityRecorder } from "../activity/recorder.ts";

/** What the events capability plugs into a shard (the shards module itself knows nothing of Queues). */
export interface ShardHooks extends RelayHooks {
  validateEvent?: EventValidator;
  /** Delivers local-scope events in-process after their commit (best-effort). */
  deliverLocal?: (events: readonly PendingEvent[]) => Promise<void>;
  /** Extra alarm work and its next due time (ordered-delivery releases). */
  onAlarm?: () => Promise<void>;
  nextDue?: () => number | null;
}


/**
 * Everything a shard object does, apart from the platform callbacks: binds the object to its
 * shard, runs requests through the mailbox, stores and drains notifies, answers broadcasts, and
 * keeps one alarm at the earliest time any of them needs it (inbox retries and leases, pruning).
 */
export class ShardHost {
  #runtime: EntityRuntime | undefined;
  readonly #drain: InboxDrain;
  readonly mailbox: Mailbox;

  readonly #outbox: RelayDriver;
  /** Unfinished inbox rows as last counted; forgotten whenever the inbox changes (a shard without notifies counts once). */
  #inboxRows: number | undefined;
  readonly clock: AlarmClock;
  /** Counts for the inspector, sent to `~activity` at most once a second. */
  readonly activity: ActivityRecorder;

  constructor(
    readonly ctx: DurableObjectState,
    private readonly env: ClusterEnv,
    private readonly registry: EntityRegistry,
    capacity: number,
    private readonly hooks: ShardHooks = {},
  ) {
    this.mailbox = new Mailbox(capacity);
    this.clock = new AlarmClock(ctx.storage);
    this.activity = new ActivityRecorder(env.SINGLETONS, () => this.#runtime?.identity.objectName ?? null, runtimeConfig(env).ACTIVITY_FLUSH_MS);
    this.#drain = new InboxDrain(ctx.storage, { open: () => this.reopen(), runRow: (runtime, row) => this.#runRow(runtime, row), drained: () => this.schedule() });
    this.#outbox = new RelayDriver(ctx.storage, this.clock, hooks, () => this.reopen()?.identity.objectName ?? null, (work) => ctx.waitUntil(work));
  }

  /** Binds the object on a call from the router (which knows the declared routing). */
  open(target: ShardTarget): EntityRuntime {
    if (this.#runtime) return this.#runtime;
    const entity = this.registry.require(target.entityType);
    assertSameRouting({ ...target, numShards: entity.shards, seed: this.registry.seed }, target, this.objectName(target));
    this.ctx.storage.transactionSync(() => bindShard(this.ctx.storage.sql, target, this.objectName(target)));
    return this.#bind(entity, target);
  }

  /** Binds the object from its stored identity (alarm after eviction); null if never used. */
  reopen(): EntityRuntime | null {
    if (this.#runtime) return this.#runtime;
    const stored = storedTarget(this.ctx.storage.sql);
    if (!stored) return null;
    const entity = this.registry.require(stored.entityType);
    assertSameRouting(stored, { numShards: entity.shards, seed: this.registry.seed }, this.objectName(stored));
    return this.#bind(entity, stored);
  }

  #bind(entity: AnyEntity, target: ShardTarget): EntityRuntime {
    const identity = { shardId: target.shardId, objectName: this.objectName(target), objectId: this.ctx.id.toString() };
    this.#runtime = new EntityRuntime(this.ctx.storage, entity, identity, this.env, {
      waitUntil: (work) => this.ctx.waitUntil(work),
      validateEvent: this.hooks.validateEvent,
      outboxSend: (now) => this.#outbox.outboxSend(now),
      outcome: (error) => this.activity.message(error),
      onEvents: (events, written) => {
        this.activity.emitted(events.map((e) => e.type));
        this.activity.owedChanged(written.filter((r) => r.delivery !== "best-effort").length);
        if (events.some((e) => e.options.scope === "local")) this.ctx.waitUntil(this.hooks.deliverLocal?.(events.filter((e) => e.options.scope === "local")) ?? Promise.resolve());
        this.#outbox.committed(written);
      },
    });
    return this.#runtime;
  }

  objectName(target: Pick<ShardTarget, "entityType" | "shardId">): string {
    return `${target.entityType}/${target.shardId}`;
  }

  async request(target: ShardTarget, key: EntityKey, envelope: Envelope): Promise<Reply> {
    const runtime = this.open(target);
    runtime.spec(envelope.type);
    const stored = this.#unfinishedInbox();
    // The key's stored notifies count toward its share; a shard without any reads nothing.
    this.mailbox.admit(stored, key, stored === 0 ? 0 : waitingFor(this.ctx.storage.sql, key));
    const reply = await this.mailbox.run(key, () => runtime.execute(key, envelope));
    // A new dedup record needs pruning in 24 h: make sure some alarm comes by then.
    if (!reply.duplicate && envelope.messageId) await this.clock.by(clock.now() + DEDUP_RETENTION_MS);
    return reply;
  }

  async notify(target: ShardTarget, key: EntityKey, envelope: Envelope): Promise<Accepted> {
    const runtime = this.open(target);
    runtime.spec(envelope.type);
    const messageId = envelope.messageId;
    if (!messageId) throw new AppError("bad_request", "a notify needs a message id");
    this.mailbox.admit(this.#unfinishedInbox(), key, waitingFor(this.ctx.storage.sql, key));
    const { duplicate } = this.ctx.storage.transactionSync(() => enqueue(this.ctx.storage.sql, key, messageId, envelope, clock.now()));
    this.#inboxRows = undefined;
    if (!duplicate) {
      // The row is due now: an alarm by now backs the drain below (which, done, sets the alarm to
      // whatever is next), so nothing needs reading to set it.
      await this.clock.by(clock.now());
      this.#drain.wake();
      this.ctx.waitUntil(this.drain());
    }
    return { messageId, duplicate };
  }

  async broadcast(target: ShardTarget, envelope: Envelope): Promise<unknown> {
    const runtime = this.open(target);
    const entity = runtime.entity;
    const spec = Object.hasOwn(entity.broadcasts, envelope.type) ? entity.broadcasts[envelope.type] : undefined;
    const handler = entity.broadcastHandlers[envelope.type];
    if (!spec || !handler) throw new AppError("not_found", `entity type '${entity.type}' has no broadcast '${envelope.type}'`);
    const input = spec.input.parse(envelope.payload);
    const sql = this.ctx.storage.sql;
    const ctx = { shardId: runtime.identity.shardId, objectName: runtime.identity.objectName, entities: () => allStates(sql) as { key: EntityKey; state: unknown }[] };
    return spec.output.parse(await withDeadline(entity.timeoutMs, () => Promise.resolve(handler(ctx, input))));
  }

  /**
   * Runs one partition of a scheduled service in this shard. With `dedup`, the tick id is recorded
   * (under `_service:<name>`) once the work returns, so a re-run tick answers `duplicate`.
   */
  async runPartition(target: ShardTarget, service: string, tickId: string, dedup: boolean, work: (shard: ShardContext<unknown>) => Promise<void>): Promise<{ duplicate: boolean }> {
    const runtime = this.open(target);
    const sql = this.ctx.storage.sql;
    const key = `_service:${service}`;
    return this.mailbox.run(key, async () => {
      if (dedup && findReply(sql, key, tickId).found) return { duplicate: true };
      await work({ shardId: runtime.identity.shardId, objectName: runtime.identity.objectName, entities: () => allStates(sql) as { key: EntityKey; state: unknown }[] });
      if (dedup) {
        this.ctx.storage.transactionSync(() => recordReply(sql, key, tickId, service, null, clock.now()));
        await this.clock.by(clock.now() + DEDUP_RETENTION_MS);
      }
      return { duplicate: false };
    });
  }

  /** Runs every runnable notify, oldest first per key, until none is left (see `InboxDrain`). */
  drain(): Promise<void> {
    return this.#drain.drain();
  }

  #unfinishedInbox(): number {
    this.#inboxRows ??= waiting(this.ctx.storage.sql);
    return this.#inboxRows;
  }

  async #runRow(runtime: EntityRuntime, row: InboxRow): Promise<void> {
    const sql = this.ctx.storage.sql;
    this.#inboxRows = undefined; // this row finishes, or is released, below
    try {
      await this.mailbox.run(row.key, () => runtime.execute(row.key, row.envelope, () => complete(sql, row.seq, row.attempts + 1)), false);
    } catch (err) {
      const error = err instanceof AppError ? err : new AppError("internal", err instanceof Error ? err.message : String(err));
      const permanent = error.status < 500 || error.code === "envelope_expired" || row.attempts + 1 >= INBOX_MAX_ATTEMPTS;
      if (!release(sql, row.seq, row.attempts + 1, `${error.code}: ${error.message}`, permanent ? null : clock.now() + inboxRetryDelay(row.attempts + 1))) {
        console.warn(`inbox row ${row.seq} attempt ${row.attempts + 1} was fenced off; its failure is discarded`);
      }
    }
  }

  /** The alarm: prune what expired, then run due notifies (and those whose claimer died). */
  async alarm(): Promise<void> {
    this.clock.fired();
    try {
      if (!this.reopen()) return;
    } catch (err) {
      // A shard that refuses to start keeps its work and looks again in a minute (a rollback heals it).
      console.error("shard refuses to start", err instanceof Error ? err.message : err);
      await this.clock.by(clock.now() + 60_000);
      return;
    }
    await Promise.all([this.drain(), this.#outbox.relay(), this.hooks.onAlarm?.() ?? Promise.resolve()]);
    await this.schedule();
  }

  /** Sets the one alarm to the earliest time anything needs it. */
  async schedule(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const now = clock.now();
    const shard = shardNextDue(sql, now, DEDUP_RETENTION_MS);
    const outbox = outboxStatus(sql);
    this.activity.owed(outbox.owed);
    await this.clock.set([...shard, outbox.nextDue, this.hooks.nextDue?.() ?? null]);
  }

}

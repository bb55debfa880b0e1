import { AppError, isExpired, remainingTtl, validationError, type EntityKey, type Envelope, type RequestId, type ShardId } from "../spec/index.ts";
import type { z } from "zod";
import { recordReply, storedMessageId } from "./dedup.ts";
import type { Reply } from "./delivery.ts";
import type { AnyEntity, EntityClusterContext, HandlerContext, MessageSpec } from "./entity.ts";
import { pendingEvent, writeOutbox, type EventValidator, type OutboxRow, type OutboxSend, type PendingEvent } from "../storage/outbox.ts";
import { loadForMessage, loadState, saveState } from "./state-store.ts";
import type { ClusterEnv } from "../env.ts";
import { clock } from "../clock.ts";

/** Where a runtime runs: its entity type's shard object. */
export interface ShardIdentity {
  readonly shardId: ShardId;
  readonly objectName: string;
  readonly objectId: string;
}

/** What the runtime needs from its host: background work, the event registry's check, and a signal after events commit. */
export interface RuntimeHooks {
  waitUntil(work: Promise<unknown>): void;
  validateEvent?: EventValidator | undefined;
  /** How a commit's outbox rows are sent (see `OutboxSend`); default: by the relay. */
  outboxSend?: ((now: number) => OutboxSend | undefined) | undefined;
  /** Called after a commit that wrote events (send the rows written, deliver local ones). */
  onEvents(events: readonly PendingEvent[], written: readonly OutboxRow[]): void;
  /** Called once per message run: `error` is its failure's code, undefined on success. */
  outcome?(error?: string): void;
}

/** Header names under which the router carries the request's cluster context. */
export const CONTEXT_HEADERS = { requestId: "x-cluster-request-id", traceparent: "x-cluster-traceparent", dedupRetentionMs: "x-cluster-dedup-retention-ms" } as const;

/** Runs `work` with a deadline; past it the signal aborts and the caller gets 504 `timeout`. */
export async function withDeadline<T>(deadlineMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  return raceDeadline(deadlineMs, work(controller.signal), () => controller.abort());
}

/** Waits for `work` at most `deadlineMs`; past it calls `expire` and rejects with 504 `timeout`. */
async function raceDeadline<T>(deadlineMs: number, work: Promise<T>, expire: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expire();
      reject(new AppError("timeout", `the handler exceeded its deadline of ${deadlineMs} ms; nothing was written`));
    }, deadlineMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one message against one entity, transactionally: the handler works on a private copy of
 * the state; after it returns, the new state, its outbox rows, its dedup record and `onCommit`'s
 * writes commit in one `transactionSync`, or (if anything throws) nothing is written.
 */
export class EntityRuntime {
  constructor(
    private readonly storage: DurableObjectStorage,
    readonly entity: AnyEntity,
    readonly identity: ShardIdentity,
    private readonly env: ClusterEnv,
    private readonly hooks: RuntimeHooks,
  ) {}

  spec(message: string): MessageSpec {
    const spec = Object.hasOwn(this.entity.messages, message) ? this.entity.messages[message] : undefined;
    if (!spec) throw new AppError("not_found", `entity type '${this.entity.type}' has no message '${message}'`);
    return spec;
  }

  context(key: EntityKey, envelope: Envelope): EntityClusterContext {
    const traceparent = envelope.headers[CONTEXT_HEADERS.traceparent];
    return {
      requestId: (envelope.headers[CONTEXT_HEADERS.requestId] ?? envelope.messageId ?? "internal") as RequestId,
      ...(traceparent ? { traceparent } : {}),
      entityType: this.entity.type,
      entityKey: key,
      ...this.identity,
      isLeader: false,
    };
  }

  async execute(key: EntityKey, envelope: Envelope, onCommit: (sql: SqlStorage) => void = () => undefined): Promise<Reply> {
    try {
      const reply = await this.#execute(key, envelope, onCommit);
      this.hooks.outcome?.();
      return reply;
    } catch (err) {
      this.hooks.outcome?.(err instanceof AppError ? err.code : "internal");
      throw err;
    }
  }

  async #execute(key: EntityKey, envelope: Envelope, onCommit: (sql: SqlStorage) => void): Promise<Reply> {
    const sql = this.storage.sql;
    const spec = this.spec(envelope.type);
    if (isExpired(envelope, clock.now())) throw new AppError("envelope_expired", `the envelope expired ${clock.now() - envelope.createdAt - (envelope.ttlMs ?? 0)} ms ago; the handler was not called`);
    const { reply: previous, stored } = envelope.messageId ? loadForMessage(sql, key, storedMessageId(envelope.messageId)) : { reply: null, stored: loadState(sql, key) };
    if (previous !== null) {
      this.storage.transactionSync(() => onCommit(sql));
      return { reply: JSON.parse(previous) as unknown, duplicate: true };
    }
    const input = spec.input.safeParse(envelope.payload);
    if (!input.success) throw validationError(input.error, `input of ${this.entity.type}.${envelope.type}`);

    const initial = stored ? null : this.entity.initial();
    // Stored state is read through the schema: a versioned state schema upgrades old rows here.
    let state: unknown = stored ? decodeStored(this.entity.state, stored.state, `state of ${this.entity.type}/${key}`) : initial;
    const before = stored?.json ?? JSON.stringify(initial);
    const events: PendingEvent[] = [];
    const effects: (() => unknown)[] = [];
    const deadline = Math.min(this.entity.timeoutMs, remainingTtl(envelope, clock.now()));
    const handler = this.entity.handlers[envelope.type];
    if (!handler) throw new AppError("not_found", `no handler for '${envelope.type}'`);
    // The signal (and its deadline timer) costs something only for a handler that awaits.
    let controller: AbortController | undefined;
    const ctx: HandlerContext<unknown> = {
      get state() {
        return state;
      },
      set state(next: unknown) {
        state = next;
      },
      setState: (next) => void (state = next),
      emit: (type, payload, options) => void events.push(pendingEvent(type, payload, options, this.hooks.validateEvent)),
      cluster: this.context(key, envelope),
      envelope,
      get signal() {
        return (controller ??= new AbortController()).signal;
      },
      env: this.env,
      afterCommit: (effect) => void effects.push(effect),
    };
    const result = handler(ctx, input.data);
    const output = isThenable(result) ? await raceDeadline(deadline, Promise.resolve(result), () => (controller ??= new AbortController()).abort()) : result;
    const reply = parseOwn(spec.output, output, `reply of ${this.entity.type}.${envelope.type}`);
    const next = parseOwn(this.entity.state, state, `state of ${this.entity.type}`);
    const now = clock.now();
    const written = this.storage.transactionSync(() => {
      saveState(sql, key, next, before, now);
      const rows = writeOutbox(sql, key, events, now, this.hooks.outboxSend?.(now));
      if (envelope.messageId) recordReply(sql, key, envelope.messageId, envelope.type, reply, now, retention(envelope));
      onCommit(sql);
      return rows;
    });
    if (events.length > 0) this.hooks.onEvents(events, written);
    for (const effect of effects) this.hooks.waitUntil(Promise.resolve().then(effect).catch((err: unknown) => console.error("afterCommit effect failed", err)));
    return { reply, duplicate: false };
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** How long the dedup record of this envelope is kept: 24 h, or what the cluster set (event deliveries: 7 days). */
function retention(envelope: Envelope): number | undefined {
  const raw = Number(envelope.headers[CONTEXT_HEADERS.dedupRetentionMs]);
  return Number.isInteger(raw) && raw > 0 ? raw : undefined;
}

/** Reads a stored state through its schema (which may upgrade an old version); a row that no longer decodes is a 500 naming the paths. */
function decodeStored(schema: z.ZodType, value: unknown, what: string): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  console.error(`stored ${what} does not decode`, parsed.error.issues);
  throw new AppError("internal", `the stored ${what} does not decode under the current schema; nothing was written`);
}

/** Validates what the handler produced: a failure is a bug in the handler, so a 500 with the path. */
function parseOwn(schema: z.ZodType, value: unknown, what: string): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  console.error(`invalid ${what}`, parsed.error.issues);
  throw new AppError("internal", `the handler produced an invalid ${what}; nothing was written`);
}

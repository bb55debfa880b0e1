import type { z } from "zod";
import type { ClusterContext, EntityKey, EntityType, Envelope, ShardId } from "../spec/index.ts";
import type { EmitOptions } from "../storage/outbox.ts";
import type { ClusterEnv } from "../env.ts";

/** A message an entity accepts: its input and reply schemas. */
export interface MessageSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
}
export type MessageSpecs = Record<string, MessageSpec>;

/** The cluster context a handler sees (CLUS-04): the request's, plus where the entity lives. */
export type EntityClusterContext = ClusterContext & {
  entityType: EntityType;
  entityKey: EntityKey;
  shardId: ShardId;
  objectName: string;
  objectId: string;
};

/** What a handler may do. Everything it writes commits together, after it returns, or not at all. */
export interface HandlerContext<S> {
  /** The entity's state: a private copy the handler may mutate; committed only if the handler returns. */
  state: S;
  /** Replaces the whole state. */
  setState(next: S): void;
  /**
   * Records an event in the outbox, in the same transaction as the state change (EVNT-02). Checked
   * here against the event registry: an unknown type or invalid payload fails the handler.
   */
  emit(type: string, payload: unknown, options?: EmitOptions): void;
  readonly cluster: EntityClusterContext;
  readonly envelope: Envelope;
  /** Aborted at the handler's deadline: the smaller of its timeout and the envelope's remaining TTL. */
  readonly signal: AbortSignal;
  /** The Worker's bindings, for effects run after the commit. */
  readonly env: ClusterEnv;
  /**
   * Runs `effect` after the transaction commits (pushes, notifications): never if the handler
   * fails, and its own failure is logged without undoing the commit. Not retried.
   */
  afterCommit(effect: () => unknown): void;
}

// Method syntax makes handler parameters bivariant, so a concrete entity is assignable to AnyEntity.
export type Handler<S, M extends MessageSpec> = {
  handle(ctx: HandlerContext<S>, input: z.output<M["input"]>): z.input<M["output"]> | Promise<z.input<M["output"]>>;
}["handle"];

/** What a broadcast handler sees: the shard, read-only. */
export interface ShardContext<S> {
  readonly shardId: ShardId;
  readonly objectName: string;
  /** Every entity of this shard with its state. Meant for small shards and admin fan-outs. */
  entities(): { key: EntityKey; state: S }[];
}
export type BroadcastHandler<S, M extends MessageSpec> = {
  handle(ctx: ShardContext<S>, input: z.output<M["input"]>): z.input<M["output"]> | Promise<z.input<M["output"]>>;
}["handle"];

export interface EntityConfig<S extends z.ZodType, M extends MessageSpecs, B extends MessageSpecs> {
  /** The entity type name; also the prefix of its shard objects' names. */
  readonly type: string;
  /** Number of shards (default 64). Changing it later is a migration: shards refuse to start on a mismatch. */
  readonly shards?: number;
  readonly state: S;
  readonly initial: () => z.output<S>;
  readonly messages: M;
  readonly handlers: { [K in keyof M]: Handler<z.output<S>, M[K]> };
  /** Messages sent to every shard of the type with `broadcast`. */
  readonly broadcasts?: B;
  readonly broadcastHandlers?: { [K in keyof B]: BroadcastHandler<z.output<S>, B[K]> };
  /** Default handler timeout in ms (default 30,000). */
  readonly timeoutMs?: number;
}

/** A declared entity type. */
export interface EntityDefinition<S extends z.ZodType = z.ZodType, M extends MessageSpecs = MessageSpecs, B extends MessageSpecs = MessageSpecs> {
  readonly type: EntityType;
  readonly shards: number;
  readonly state: S;
  readonly initial: () => z.output<S>;
  readonly messages: M;
  readonly handlers: { [K in keyof M]: Handler<z.output<S>, M[K]> };
  readonly broadcasts: B;
  readonly broadcastHandlers: { [K in keyof B]: BroadcastHandler<z.output<S>, B[K]> };
  readonly timeoutMs: number;
}

/** An entity type seen by the generic runtime, where state and messages are not known statically. */
export type AnyEntity = EntityDefinition<z.ZodType, MessageSpecs, MessageSpecs>;

export const DEFAULT_SHARDS = 64;
export const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;

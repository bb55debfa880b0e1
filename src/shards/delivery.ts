import type { BatchItem, BatchReply } from "./delivery-batch.ts";
import { AppError, type EntityKey, type EntityType, type Envelope, type MessageId, type Problem, type ShardId } from "../spec/index.ts";

/** Where a message goes: the shard object of an entity type, and the routing parameters it must agree with. */
export interface ShardTarget {
  readonly entityType: EntityType;
  readonly shardId: ShardId;
  readonly numShards: number;
  readonly seed: string;
}

/**
 * The answer of a shard RPC. Errors travel as problems (RPC would flatten an `AppError` into a
 * plain `Error`), with the headers they need (`Retry-After`).
 */
export type Delivery<T> = { ok: true; value: T } | { ok: false; problem: Problem; headers: Record<string, string>; internal?: string };

export interface Reply {
  readonly reply: unknown;
  /** True when a message with this id was applied before: the stored reply is returned. */
  readonly duplicate: boolean;
}

export interface Accepted {
  readonly messageId: MessageId;
  readonly duplicate: boolean;
}

/** The RPC surface of a shard object, as the router sees it. */
export interface ShardStub {
  deliver(target: ShardTarget, key: EntityKey, envelope: Envelope): Promise<Delivery<Reply>>;
  enqueue(target: ShardTarget, key: EntityKey, envelope: Envelope): Promise<Delivery<Accepted>>;
  broadcast(target: ShardTarget, envelope: Envelope): Promise<Delivery<unknown>>;
  deliverOrdered(target: ShardTarget, key: EntityKey, envelope: Envelope, order: { stream: string; sequence: number }, original: unknown): Promise<Delivery<Reply & { status: "applied" | "duplicate" | "held" }>>;
  /** Several deliveries to this shard in one call (see `DeliveryBatch`): one answer per item, in order. */
  deliverMany(target: ShardTarget, items: readonly BatchItem[]): Promise<Delivery<BatchReply>[]>;
  /** Makes an ordered stream pass one sequence (a deleted dead letter). */
  skipOrdered(target: ShardTarget, stream: string, sequence: number): Promise<Delivery<{ status: "skipped" | "marked" | "passed" }>>;
}

export interface ShardNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): ShardStub;
}

/** The Durable Object name of a shard: `<entityType>/<shard>`. */
export function shardObjectName(entityType: EntityType, shardId: ShardId | number): string {
  return `${entityType}/${shardId}`;
}

/** Runs `work`, turning a thrown error into a failed delivery (for the shard side of the RPC). */
export async function delivered<T>(work: () => T | Promise<T>): Promise<Delivery<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    const error = err instanceof AppError ? err : internalError(err);
    // An unexpected error's message stays out of the problem (HTTP clients never see it) but travels
    // as `internal`, for operators' views such as the dead-letter list.
    const internal = err instanceof AppError ? undefined : err instanceof Error ? err.message : String(err);
    return { ok: false, problem: error.toProblem(), headers: error.headers, ...(internal === undefined ? {} : { internal }) };
  }
}

function internalError(err: unknown): AppError {
  console.error("entity handler failed", err);
  return new AppError("internal", "the handler failed unexpectedly; see the server log");
}

/** Unwraps a delivery on the caller's side: a failure is re-thrown as the original `AppError`. */
export function unwrap<T>(result: Delivery<T>): T {
  if (result.ok) return result.value;
  const error = AppError.fromProblem(result.problem, result.headers);
  if (result.internal !== undefined) error.cause = new Error(result.internal);
  throw error;
}

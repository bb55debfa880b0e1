import { takeFault } from "../testing/hooks.ts";
import type { z } from "zod";
import { AppError, assertDepth, CallerHeadersSchema, EntityKeySchema, EnvelopeSchema, isEntityKey, isEnvelope, MessageIdSchema, validationError, type EntityKey, type Envelope, type Problem, type ShardId } from "../spec/index.ts";
import { DeliveryBatch } from "./delivery-batch.ts";
import { unwrap, type Accepted, type Delivery, type Reply, type ShardNamespace, type ShardTarget } from "./delivery.ts";
import type { AnyEntity, EntityDefinition, MessageSpecs } from "./entity.ts";
import type { EntityRegistry } from "./registry.ts";
import { CONTEXT_HEADERS } from "./runtime.ts";
import { shardOf } from "./shard-hash.ts";
import { clock } from "../clock.ts";

/** Per-message options. `createdAt` defaults to now; `ttlMs` absent means no expiry. */
export interface SendOptions {
  readonly messageId?: string;
  readonly ttlMs?: number;
  readonly createdAt?: number;
  /** Custom headers; names with the reserved `x-cluster-` prefix are refused (400 `reserved_header`). */
  readonly headers?: Record<string, string>;
  /** The caller's request context, carried to the handler's cluster context. */
  readonly context?: { readonly requestId?: string; readonly traceparent?: string };
  /** How long the dedup record of `messageId` is kept (default 24 h; event deliveries use 7 days). */
  readonly dedupRetentionMs?: number;
  /** Sequenced delivery: applied in `sequence` order within `stream`, early ones held by the shard. */
  readonly order?: { readonly stream: string; readonly sequence: number; readonly original: unknown };
}

/** Where a key lives. */
export interface Location {
  readonly entity: AnyEntity;
  readonly key: EntityKey;
  readonly target: ShardTarget;
  readonly objectName: string;
  readonly objectId: string;
}

export type BroadcastResult = { shardId: ShardId; ok: true; reply: unknown } | { shardId: ShardId; ok: false; error: Problem };

/** How many keys' shard names a router remembers before it starts over. */
const NAME_MEMO_SIZE = 10_000;

/** Payloads above 1 MiB (serialized as JSON) are refused with 413 before any shard is contacted. */
export const MAX_PAYLOAD_BYTES = 1_048_576;

/**
 * The typed router: sends a message for a key to the one shard object that owns it. Everything
 * that can be checked without the shard is checked here first (entity type, message, input,
 * payload size, headers), so bad input never reaches a Durable Object.
 */
export class Router {
  constructor(
    private readonly namespace: ShardNamespace,
    readonly registry: EntityRegistry,
    /** When set, the requests of one turn share one call per shard object (see `batched`). */
    private readonly batch?: DeliveryBatch,
    /** Object ids by name: a name's id never changes, and deriving one hashes it. */
    private readonly ids = new Map<string, DurableObjectId>(),
    private readonly names = new Map<string, string>(),
  ) {}

  /** A router whose `request`s issued in the same turn go to each shard object in one call (a Queue batch's deliveries). */
  batched(): Router {
    return new Router(this.namespace, this.registry, new DeliveryBatch(), this.ids, this.names);
  }

  #id(objectName: string): DurableObjectId {
    let id = this.ids.get(objectName);
    if (!id) {
      id = this.namespace.idFromName(objectName);
      this.ids.set(objectName, id);
    }
    return id;
  }

  locate(type: string, key: string): Location {
    const entity = this.registry.require(type);
    if (!isEntityKey(key)) {
      const parsed = EntityKeySchema.safeParse(key);
      throw parsed.success ? new AppError("validation_failed", "invalid entity key") : validationError(parsed.error, "entity key", ["key"]);
    }
    const objectName = this.#objectNameOf(entity, key);
    const shardId = Number(objectName.slice(entity.type.length + 1)) as ShardId;
    const target: ShardTarget = { entityType: entity.type, shardId, numShards: entity.shards, seed: this.registry.seed };
    return { entity, key, target, objectName, objectId: this.#id(objectName).toString() };
  }

  /** Sends and waits for the reply. */
  async request(type: string, key: string, message: string, input: unknown, options: SendOptions = {}): Promise<Reply & { location: Location; status?: "applied" | "duplicate" | "held" }> {
    const location = this.locate(type, key);
    const envelope = this.#envelope(location.entity, message, input, options);
    const stub = this.#stub(location.objectName);
    const { order } = options;
    const send = async (): Promise<Reply & { status?: "applied" | "duplicate" | "held" }> => {
      if (this.batch) return unwrap(await this.batch.deliver(location.objectName, stub, location.target, { key: location.key, envelope, ...(order ? { order } : {}) }));
      if (order) return unwrap(await stub.deliverOrdered(location.target, location.key, envelope, { stream: order.stream, sequence: order.sequence }, order.original));
      return unwrap(await stub.deliver(location.target, location.key, envelope));
    };
    return { ...(await deliveredOnceOrTwice(type, send)), location };
  }

  /** Makes the ordered stream `stream` at the shard owning `key` pass `sequence` (a deleted dead letter: delete = skip). */
  async skipOrdered(type: string, key: string, stream: string, sequence: number): Promise<{ status: "skipped" | "marked" | "passed" }> {
    const location = this.locate(type, key);
    return unwrap(await this.#stub(location.objectName).skipOrdered(location.target, stream, sequence));
  }

  /** Sends and returns once the message is durably stored in the shard's inbox. */
  async notify(type: string, key: string, message: string, input: unknown, options: SendOptions = {}): Promise<Accepted & { location: Location }> {
    const location = this.locate(type, key);
    const envelope = this.#envelope(location.entity, message, input, { ...options, messageId: options.messageId ?? `n_${crypto.randomUUID()}` });
    const stub = this.#stub(location.objectName);
    return { ...(await deliveredOnceOrTwice(type, async () => unwrap(await stub.enqueue(location.target, location.key, envelope)))), location };
  }

  /** Sends to every shard of a type; each shard answers or fails on its own, within the type's timeout. */
  async broadcast(type: string, message: string, input: unknown, options: SendOptions = {}): Promise<BroadcastResult[]> {
    const entity = this.registry.require(type);
    const envelope = this.#envelope(entity, message, input, options, entity.broadcasts);
    const shards = Array.from({ length: entity.shards }, (_, i) => i as ShardId);
    return Promise.all(
      shards.map(async (shardId): Promise<BroadcastResult> => {
        const target: ShardTarget = { entityType: entity.type, shardId, numShards: entity.shards, seed: this.registry.seed };
        try {
          const result = await withTimeout(this.#stub(`${entity.type}/${shardId}`).broadcast(target, envelope), entity.timeoutMs + 1_000);
          return result.ok ? { shardId, ok: true, reply: result.value } : { shardId, ok: false, error: result.problem };
        } catch (err) {
          return { shardId, ok: false, error: new AppError("not_ready", `shard ${shardId} did not answer: ${err instanceof Error ? err.message : String(err)}`).toProblem() };
        }
      }),
    );
  }

  /** A client typed by an entity definition: message names, inputs and replies are checked by the compiler. */
  to<S extends z.ZodType, M extends MessageSpecs, B extends MessageSpecs>(entity: EntityDefinition<S, M, B>): EntityClient<M> {
    return {
      request: async (key, message, input, options) => (await this.request(entity.type, key, String(message), input, options)).reply as never,
      notify: (key, message, input, options) => this.notify(entity.type, key, String(message), input, options),
    };
  }

  /** `<type>/<shard>` of a key, remembered: hashing a key is a measurable part of a delivery, and hot keys repeat. */
  #objectNameOf(entity: AnyEntity, key: string): string {
    const memo = `${entity.type}\u0000${key}`;
    let name = this.names.get(memo);
    if (name === undefined) {
      if (this.names.size >= NAME_MEMO_SIZE) this.names.clear();
      name = `${entity.type}/${shardOf(key, entity.shards, this.registry.seed)}`;
      this.names.set(memo, name);
    }
    return name;
  }

  #stub(objectName: string) {
    return this.namespace.get(this.#id(objectName));
  }

  #envelope(entity: AnyEntity, message: string, input: unknown, options: SendOptions, specs: MessageSpecs = entity.messages): Envelope {
    const spec = Object.hasOwn(specs, message) ? specs[message] : undefined;
    if (!spec) throw new AppError("not_found", `entity type '${entity.type}' has no message '${message}'`);
    assertDepth(input, `the input of ${entity.type}.${message}`);
    const json = JSON.stringify(input ?? null);
    // At most 3 UTF-8 bytes per UTF-16 unit: only a long payload needs its bytes counted.
    const size = json.length * 3 <= MAX_PAYLOAD_BYTES ? json.length : new TextEncoder().encode(json).byteLength;
    if (size > MAX_PAYLOAD_BYTES) throw new AppError("payload_too_large", `the message payload is ${size} bytes; the limit is ${MAX_PAYLOAD_BYTES}`);
    const parsed = spec.input.safeParse(input);
    if (!parsed.success) throw validationError(parsed.error, `input of ${entity.type}.${message}`);
    const headers = options.headers === undefined ? { success: true as const, data: {} } : CallerHeadersSchema.safeParse(options.headers);
    if (!headers.success) throw new AppError("reserved_header", headers.error.issues[0]?.message ?? "invalid header", { extra: { errors: headers.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) } });
    const messageId = options.messageId === undefined ? undefined : MessageIdSchema.safeParse(options.messageId);
    if (messageId && !messageId.success) throw validationError(messageId.error, "message id", ["messageId"]);
    const context = options.context ?? {};
    const candidate = {
      type: message,
      entityType: entity.type,
      payload: input,
      headers: {
        ...headers.data,
        ...(context.requestId ? { [CONTEXT_HEADERS.requestId]: context.requestId } : {}),
        ...(context.traceparent ? { [CONTEXT_HEADERS.traceparent]: context.traceparent } : {}),
        ...(options.dedupRetentionMs ? { [CONTEXT_HEADERS.dedupRetentionMs]: String(options.dedupRetentionMs) } : {}),
      },
      createdAt: options.createdAt ?? clock.now(),
      ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
      ...(messageId?.data === undefined ? {} : { messageId: messageId.data }),
    };
    // Built from checked parts: the plain check is the schema's answer; the schema only for the error.
    if (isEnvelope(candidate)) return candidate;
    const envelope = EnvelopeSchema.safeParse(candidate);
    if (!envelope.success) throw validationError(envelope.error, "envelope");
    return envelope.data;
  }
}

/** A typed client of one entity type. */
export interface EntityClient<M extends MessageSpecs> {
  request<K extends keyof M & string>(key: string, message: K, input: z.input<M[K]["input"]>, options?: SendOptions): Promise<z.output<M[K]["output"]>>;
  notify<K extends keyof M & string>(key: string, message: K, input: z.input<M[K]["input"]>, options?: SendOptions): Promise<Accepted>;
}

function withTimeout<T>(work: Promise<Delivery<T>>, ms: number): Promise<Delivery<T>> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** One delivery, or the same envelope twice when a test asked for a duplicate (`duplicateNextDelivery`): the first answer is returned. */
async function deliveredOnceOrTwice<T>(type: string, send: () => Promise<T>): Promise<T> {
  const first = await send();
  if (takeFault("duplicate", type)) await send();
  return first;
}

import type { EntityKey, Envelope } from "../spec/index.ts";
import type { Delivery, Reply, ShardStub, ShardTarget } from "./delivery.ts";

/** One message of a batched delivery; `order` makes it a sequenced one (see `ShardStub.deliverOrdered`). */
export interface BatchItem {
  readonly key: EntityKey;
  readonly envelope: Envelope;
  readonly order?: { readonly stream: string; readonly sequence: number; readonly original: unknown };
}

export type BatchReply = Reply & { status?: "applied" | "duplicate" | "held" };

interface Pending {
  readonly stub: ShardStub;
  readonly target: ShardTarget;
  readonly items: BatchItem[];
  readonly settle: { resolve: (d: Delivery<BatchReply>) => void; reject: (err: unknown) => void }[];
}

/**
 * Coalesces the deliveries one caller issues in the same turn (a Queue consumer's batch) into one
 * RPC per shard object: each message still runs on its own in the shard (its own transaction,
 * mailbox turn and reply), only the call is shared. A lone message goes as a plain delivery.
 * If the call itself fails, every message of it fails with that error, as its own call would.
 */
export class DeliveryBatch {
  readonly #pending = new Map<string, Pending>();

  deliver(objectName: string, stub: ShardStub, target: ShardTarget, item: BatchItem): Promise<Delivery<BatchReply>> {
    return new Promise((resolve, reject) => {
      let pending = this.#pending.get(objectName);
      if (!pending) {
        pending = { stub, target, items: [], settle: [] };
        this.#pending.set(objectName, pending);
        const sending = pending;
        queueMicrotask(() => {
          this.#pending.delete(objectName);
          void send(sending);
        });
      }
      pending.items.push(item);
      pending.settle.push({ resolve, reject });
    });
  }
}

async function send({ stub, target, items, settle }: Pending): Promise<void> {
  try {
    const [only] = items;
    const results: Delivery<BatchReply>[] =
      items.length === 1 && only
        ? [await (only.order ? stub.deliverOrdered(target, only.key, only.envelope, { stream: only.order.stream, sequence: only.order.sequence }, only.order.original) : stub.deliver(target, only.key, only.envelope))]
        : await stub.deliverMany(target, items);
    settle.forEach((s, i) => {
      const result = results[i];
      if (result) s.resolve(result);
      else s.reject(new Error(`the shard answered ${results.length} of ${items.length} deliveries`));
    });
  } catch (err) {
    for (const s of settle) s.reject(err);
  }
}

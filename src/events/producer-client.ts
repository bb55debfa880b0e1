import type { EventMessage } from "../spec/index.ts";

/** A sequence asked again by a subscriber's stream: the channel (partition key and tenant), the sequence, and the stream's subscription. */
export interface ResendRequest {
  readonly partitionKey: string;
  readonly tenantId?: string;
  readonly sequence: number;
  readonly subscription?: string;
}

/** The outbox RPCs of a producing shard object (named as events carry it: `<EntityType>/<shard>`). */
export interface ProducerStub {
  /** The consumer's acknowledgement: these events reached every subscriber (or their dead letters). */
  ackEvents(eventIds: string[]): Promise<number>;
  resendEvent(request: ResendRequest): Promise<EventMessage | null>;
}

interface ProducerNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): ProducerStub;
}

export function producerStub(namespace: ProducerNamespace, producer: string): ProducerStub {
  return namespace.get(namespace.idFromName(producer));
}

/**
 * durable-cluster: declare entities, events, tasks, jobs, sagas and realtime methods; the platform
 * places every shard, singleton, socket gateway and tenant as a Durable Object addressed by name.
 *
 * @example
 * import { createCluster, defineEntity } from "durable-cluster";
 * const cluster = createCluster({ entities: [Counter] });
 * export default cluster;
 * export class ShardObject extends cluster.objects.ShardObject {} // and SingletonObject, GatewayObject, TenantObject, SagaWorkflow, FleetObject, RolloutWorkflow
 */

// The cluster.
export { createCluster, type Cluster } from "./cluster/create-cluster.ts";
export type { ClusterApp, ClusterOptions, RealtimeSurface } from "./cluster/app.ts";
export type { ClusterObjects } from "./cluster/objects.ts";
export type { EventsClient, JobsClient, PublishOptions, SagasClient, SubmitOptions } from "./cluster/clients.ts";
export type { ClusterEnv } from "./env.ts";

// Entities.
export { defineEntity } from "./shards/define-entity.ts";
export type { AnyEntity, EntityClusterContext, EntityDefinition, HandlerContext, MessageSpec, ShardContext } from "./shards/entity.ts";
export { Router, type BroadcastResult, type EntityClient, type SendOptions } from "./shards/router.ts";
export { shardOf } from "./shards/shard-hash.ts";

// Events.
export { defineEvent, defineSubscription, type EventDefinition, type SubscriberContext, type SubscriptionDefinition, type SubscriptionTarget } from "./events/define.ts";
export type { EmitOptions } from "./storage/outbox.ts";

// Scheduled tasks and services.
export { defineService, defineTask, type PartitionContext, type ServiceDefinition, type TaskContext, type TaskDefinition } from "./singleton/define.ts";

// Jobs.
export { defineJob, NonRetryableJobError, type JobContext, type JobDefinition } from "./jobs/define.ts";
export { jobTarget } from "./jobs/subscription.ts";

// Sagas, state machines, versioned payloads.
export { defineSaga, type AnySaga, type SagaDefinition, type SagaRetry, type SagaStep, type StepContext } from "./workflows/define-saga.ts";
export { defineMachine, type Machine } from "./workflows/machine.ts";
export { defineMachineEntity, type MachineReply, type MachineState, type TransitionContext } from "./workflows/machine-entity.ts";
export { versioned, type Versioned } from "./workflows/versioned.ts";

// Realtime.
export { defineRpc, type AnyRpcMethod, type RealtimePolicy, type RpcContext, type RpcMethod } from "./realtime/define-rpc.ts";
export { realtime, type Realtime } from "./realtime/realtime.ts";

// Errors, and the wire schemas an application's own schemas reuse.
export { AppError, defineErrors, type ErrorCatalogue, type ErrorKind, type ErrorKinds, type Problem } from "./spec/index.ts";
export { ClusterContextSchema, EntityKeySchema, TopicSchema, UserIdSchema, type ClusterContext, type EntityKey, type TenantId, type UserId } from "./spec/index.ts";

import { z } from "zod";

/**
 * The cluster protocol of ObjectStack's `cluster.zod.ts` (seed 000), field for field, with one
 * addition: the `durable-objects` driver, this implementation's default. Every value has a
 * precise contract that the events, singleton and tenant modules depend on.
 */

/** Where an event must be delivered. `local` never leaves the emitting object; `tenant` is `cluster` partitioned by tenant. */
export const EventScopeSchema = z.enum(["local", "cluster", "tenant"]).describe("Where the event must be delivered: local process, whole cluster, or tenant-scoped.");
export type EventScope = z.infer<typeof EventScopeSchema>;

/** Delivery guarantee. Default: `best-effort` for `local`, `at-least-once` for `cluster` and `tenant`. */
export const EventDeliverySemanticsSchema = z.enum(["best-effort", "at-least-once", "exactly-once"]).describe("Delivery guarantee offered by the transport.");
export type EventDeliverySemantics = z.infer<typeof EventDeliverySemanticsSchema>;

/** Per-emit routing and ordering options. `scope` defaults to `local`. */
export const EventClusterOptionsSchema = z
  .object({
    scope: EventScopeSchema.optional().default("local").describe("Delivery scope. Default `local` for backward compatibility."),
    deliverySemantics: EventDeliverySemanticsSchema.optional().describe("Delivery guarantee. Default depends on scope."),
    partitionKey: z.string().min(1).optional().describe("Stable key that guarantees emit-order delivery for same-key events."),
  })
  .describe("Per-emit cluster routing & ordering options.");
export type EventClusterOptions = z.infer<typeof EventClusterOptionsSchema>;

/** The delivery semantics an emit gets when it names none: the seed's scope-dependent default. */
export function defaultDeliverySemantics(scope: EventScope): EventDeliverySemantics {
  return scope === "local" ? "best-effort" : "at-least-once";
}

/** Whether a service runs on every node or as a cluster singleton. */
export const ServiceClusterScopeSchema = z.enum(["node", "cluster"]).describe("Whether this service runs on every node or as a cluster singleton.");
export type ServiceClusterScope = z.infer<typeof ServiceClusterScopeSchema>;

/** How the cluster-singleton invariant is held. Only meaningful with `clusterScope: "cluster"`. */
export const ServiceLeaderStrategySchema = z.enum(["leader-elected", "partitioned", "idempotent-broadcast"]).describe("How the cluster-singleton invariant is enforced at runtime.");
export type ServiceLeaderStrategy = z.infer<typeof ServiceLeaderStrategySchema>;

/** Cluster annotations on a service. Omitting them equals `{ clusterScope: "node" }`. */
export const ServiceClusterAnnotationsSchema = z
  .object({
    clusterScope: ServiceClusterScopeSchema.optional().default("node").describe("Per-node vs cluster-singleton presence."),
    leaderStrategy: ServiceLeaderStrategySchema.optional().describe("How the cluster-singleton invariant is maintained."),
    clusterId: z.string().min(1).optional().describe("Logical cluster identity used for leader election (defaults to service name)."),
  })
  .describe("Service-registration annotations governing cluster behaviour.");
export type ServiceClusterAnnotations = z.infer<typeof ServiceClusterAnnotationsSchema>;

/** A service the application declares, as `GET /v1/cluster` lists it. */
export const ClusterServiceSchema = z
  .object({
    name: z.string().describe("Service name"),
    clusterScope: ServiceClusterScopeSchema,
    leaderStrategy: ServiceLeaderStrategySchema.nullable().describe("How the cluster-singleton invariant is enforced; null for a node-scoped service"),
  })
  .describe("A declared service");
export type ClusterService = z.infer<typeof ClusterServiceSchema>;

/** The transport driver. `durable-objects` (this implementation) is the default; the others are the seed's. */
export const ClusterDriverSchema = z.enum(["durable-objects", "memory", "redis", "postgres", "nats", "custom"]).describe("Cluster transport driver.");
export type ClusterDriver = z.infer<typeof ClusterDriverSchema>;

/** Tenant isolation on shared transports: `channel-prefix` (default) namespaces channels and keys by tenant id. */
export const ClusterTenantIsolationSchema = z.enum(["channel-prefix", "none"]).describe("How tenant traffic is separated on shared transports.");
export type ClusterTenantIsolation = z.infer<typeof ClusterTenantIsolationSchema>;

/**
 * Cluster capability configuration. Defaults: driver `durable-objects`, heartbeat 5,000 ms, lock
 * TTL 15,000 ms, isolation `channel-prefix`. The rule `lockTtlMs >= 3 * heartbeatMs` is enforced.
 */
export const ClusterCapabilityConfigSchema = z
  .object({
    driver: ClusterDriverSchema.optional().default("durable-objects").describe("Cluster transport driver. Defaults to durable-objects (this implementation)."),
    url: z.url().optional().describe("Driver-specific connection URL."),
    useExistingPool: z.boolean().optional().default(true).describe("Reuse the main DB pool for the postgres driver."),
    nodeId: z.string().min(1).optional().describe("Stable node identifier. Auto-generated when absent."),
    heartbeatMs: z.number().int().min(100).optional().default(5000).describe("Leader-election heartbeat interval in milliseconds."),
    lockTtlMs: z.number().int().min(100).optional().default(15000).describe("Leader-election lock TTL in milliseconds (≥ 3× heartbeatMs)."),
    tenantIsolation: ClusterTenantIsolationSchema.optional().default("channel-prefix").describe("Channel/key namespacing strategy for multi-tenant deployments."),
    driverOptions: z.record(z.string(), z.unknown()).optional().describe("Driver-specific opaque options."),
  })
  .superRefine((config, ctx) => {
    if (config.lockTtlMs < 3 * config.heartbeatMs) {
      ctx.addIssue({ code: "custom", path: ["lockTtlMs"], message: `lockTtlMs (${config.lockTtlMs}) must be at least 3 × heartbeatMs (${3 * config.heartbeatMs})` });
    }
  })
  .describe("Cluster capability configuration for the stack.");
export type ClusterCapabilityConfig = z.infer<typeof ClusterCapabilityConfigSchema>;
export type ClusterCapabilityConfigInput = z.input<typeof ClusterCapabilityConfigSchema>;

/** The persistence operation behind a `metadata:changed` event. */
export const MetadataChangeOperationSchema = z.enum(["create", "update", "delete", "publish"]).describe("Persistence operation that triggered the change.");
export type MetadataChangeOperation = z.infer<typeof MetadataChangeOperationSchema>;

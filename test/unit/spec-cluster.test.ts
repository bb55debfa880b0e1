import { describe, expect, it } from "vitest";
import {
  ClusterCapabilityConfigSchema,
  ClusterDriverSchema,
  ClusterTenantIsolationSchema,
  defaultDeliverySemantics,
  EventClusterOptionsSchema,
  EventDeliverySemanticsSchema,
  EventScopeSchema,
  MetadataChangeOperationSchema,
  ServiceClusterAnnotationsSchema,
  ServiceClusterScopeSchema,
  ServiceLeaderStrategySchema,
} from "../../src/spec/index.ts";

const paths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  result.error?.issues.map((i) => i.path.map(String).join(".")) ?? [];

describe("seed 000 enums", () => {
  const cases = [
    [EventScopeSchema, ["local", "cluster", "tenant"]],
    [EventDeliverySemanticsSchema, ["best-effort", "at-least-once", "exactly-once"]],
    [ClusterTenantIsolationSchema, ["channel-prefix", "none"]],
    [MetadataChangeOperationSchema, ["create", "update", "delete", "publish"]],
    [ServiceClusterScopeSchema, ["node", "cluster"]],
    [ServiceLeaderStrategySchema, ["leader-elected", "partitioned", "idempotent-broadcast"]],
    [ClusterDriverSchema, ["durable-objects", "memory", "redis", "postgres", "nats", "custom"]],
  ] as const;

  it.each(cases)("%# accepts exactly the seed's values", (schema, values) => {
    expect(schema.options).toEqual(values);
    for (const value of values) expect(schema.parse(value)).toBe(value);
    expect(schema.safeParse("other").success).toBe(false);
    expect(schema.safeParse(values[0].toUpperCase()).success).toBe(false);
  });
});

describe("EventClusterOptions", () => {
  it("defaults the scope to local and leaves the semantics to the scope", () => {
    expect(EventClusterOptionsSchema.parse({})).toEqual({ scope: "local" });
    expect(defaultDeliverySemantics("local")).toBe("best-effort");
    expect(defaultDeliverySemantics("cluster")).toBe("at-least-once");
    expect(defaultDeliverySemantics("tenant")).toBe("at-least-once");
  });

  it("refuses an empty partition key and an unknown scope with their paths", () => {
    const result = EventClusterOptionsSchema.safeParse({ scope: "galaxy", partitionKey: "" });
    expect(result.success).toBe(false);
    expect(paths(result).sort()).toEqual(["partitionKey", "scope"]);
  });
});

describe("ServiceClusterAnnotations", () => {
  it("defaults to a per-node service", () => {
    expect(ServiceClusterAnnotationsSchema.parse({})).toEqual({ clusterScope: "node" });
  });

  it("accepts a leader-elected cluster singleton with its cluster id", () => {
    const parsed = ServiceClusterAnnotationsSchema.parse({ clusterScope: "cluster", leaderStrategy: "leader-elected", clusterId: "billing" });
    expect(parsed.clusterId).toBe("billing");
  });

  it("refuses an unknown strategy with its path", () => {
    expect(paths(ServiceClusterAnnotationsSchema.safeParse({ leaderStrategy: "raft" }))).toEqual(["leaderStrategy"]);
  });
});

describe("ClusterCapabilityConfig", () => {
  it("defaults to the durable-objects driver and the seed's timings", () => {
    expect(ClusterCapabilityConfigSchema.parse({})).toEqual({
      driver: "durable-objects",
      useExistingPool: true,
      heartbeatMs: 5000,
      lockTtlMs: 15000,
      tenantIsolation: "channel-prefix",
    });
  });

  it("enforces lockTtlMs >= 3 * heartbeatMs", () => {
    expect(ClusterCapabilityConfigSchema.safeParse({ heartbeatMs: 1000, lockTtlMs: 3000 }).success).toBe(true);
    const result = ClusterCapabilityConfigSchema.safeParse({ heartbeatMs: 1000, lockTtlMs: 2999 });
    expect(result.success).toBe(false);
    expect(paths(result)).toEqual(["lockTtlMs"]);
    expect(result.error?.issues[0]?.message).toContain("3 × heartbeatMs");
  });

  it("refuses a bad url, a fractional heartbeat and a non-object driverOptions with their paths", () => {
    const result = ClusterCapabilityConfigSchema.safeParse({ url: "not a url", heartbeatMs: 1.5, driverOptions: 3 });
    expect(paths(result).sort()).toEqual(["driverOptions", "heartbeatMs", "url"]);
  });

  it("describes every field", () => {
    for (const [name, field] of Object.entries(ClusterCapabilityConfigSchema.shape)) {
      expect(field.description, name).toBeTruthy();
    }
  });
});

import { describe, expect, it } from "vitest";
import type { ClusterService } from "../../src/spec/index.ts";
import { call } from "./tenant-helpers.ts";

describe("GET /v1/cluster lists the services the app declares", () => {
  it("with each service's cluster scope and leader strategy", async () => {
    const res = await call("GET", "/v1/cluster");
    expect(res.status).toBe(200);
    const { services } = await res.json<{ services: ClusterService[] }>();
    expect([...services].sort((a, b) => a.name.localeCompare(b.name))).toStrictEqual([
      { name: "broadcast-refresh", clusterScope: "cluster", leaderStrategy: "idempotent-broadcast" },
      { name: "leader-report", clusterScope: "cluster", leaderStrategy: "leader-elected" },
      { name: "partition-sweep", clusterScope: "cluster", leaderStrategy: "partitioned" },
    ]);
  });
});

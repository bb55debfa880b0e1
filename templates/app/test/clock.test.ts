import { env } from "cloudflare:workers";
import { testCluster } from "durable-cluster/testing";
import { describe, expect, it } from "vitest";
import { Counter } from "../src/index.ts";

/** The cluster's own time (durable-cluster/testing): a day of the hourly `tick` task without waiting, and an evicted entity. */
const t = testCluster(env);

describe("tick, on the virtual clock", () => {
  it("fires once an hour through a whole day", async () => {
    const count = async () => (await t.router.to(Counter).request("ticks", "get", {})).value;
    const before = await count();
    await t.clock.advance("1 day");
    expect(await count()).toBe(before + 24);
  });

  it("keeps an entity's state when its object is evicted mid-test", async () => {
    await t.router.to(Counter).request("evicted", "increment", { by: 2 });
    await t.evict(Counter, "evicted");
    expect(await t.router.to(Counter).request("evicted", "increment", { by: 3 })).toEqual({ value: 5 });
  });
});

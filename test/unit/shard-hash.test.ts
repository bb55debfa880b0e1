import { describe, expect, it } from "vitest";
import { shardOf } from "../../src/shards/shard-hash.ts";
import vectors from "../fixtures/shard-vectors.json";

describe("shardOf: clstr-go ShardFromString vectors", () => {
  it.each(vectors.map((v) => [JSON.stringify(v.key), JSON.stringify(v.seed), v] as const))("key %s seed %s", (_k, _s, vector) => {
    for (const [count, shard] of Object.entries(vector.shards)) {
      expect(shardOf(vector.key, Number(count), vector.seed), `numShards ${count}`).toBe(shard);
    }
  });

  it("gives 0 for numShards = 0", () => {
    expect(shardOf("anything", 0)).toBe(0);
    expect(shardOf("anything", 0, "seed")).toBe(0);
  });

  it("treats an empty seed as no seed (not as a lone 0x00 prefix)", () => {
    expect(shardOf("user-123", 1024, "")).toBe(shardOf("user-123", 1024));
  });
});

describe("shardOf uniformity", () => {
  it("spreads 100,000 keys over 64 shards uniformly (chi-squared, p > 0.001)", () => {
    const shards = 64;
    const keys = 100_000;
    const counts = new Array<number>(shards).fill(0);
    for (let i = 0; i < keys; i++) {
      const shard = shardOf(`key-${i}`, shards);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    const expected = keys / shards;
    const chi2 = counts.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    // Critical value of chi-squared with 63 degrees of freedom at p = 0.001 is 103.4.
    expect(chi2).toBeLessThan(103.4);
  });
});

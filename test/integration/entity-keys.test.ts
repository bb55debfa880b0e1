import { listDurableObjectIds } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import vectors from "../fixtures/shard-vectors.json";
import { admin, BASE } from "./helpers.ts";
import { rows, send } from "./entity-helpers.ts";

const vector = (key: string) => {
  const found = vectors.find((v) => v.key === key && v.seed === "");
  if (!found) throw new Error(`no vector for ${key}`);
  return found.shards["64"];
};
const shardIds = async () => (await listDurableObjectIds(env.SHARDS)).length;

describe("entity keys are any string of 1–256 UTF-8 bytes", () => {
  it.each(["orders/2026/42", "ключ/🔑 space"])("%s: percent-encoded in the path, owned by the shard clstr-go computes, stored exactly", async (key) => {
    const res = await send("Counter", key, "increment", { by: 2 });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-shard-id")).toBe(String(vector(key)));
    expect(await res.json()).toMatchObject({ value: 2 });
    const info = await exports.default.fetch(`${BASE}/v1/entities/Counter/${encodeURIComponent(key)}/_info`, { headers: admin() });
    expect(await info.json()).toMatchObject({ key, shardId: vector(key), objectName: `Counter/${vector(key)}` });
    const stored = await rows<{ key: string }>("Counter", key, "SELECT entity_key AS key FROM entities WHERE entity_key = ?", key);
    expect(stored).toStrictEqual([{ key }]);
  });

  it("takes 256 bytes and refuses 257 (400 on key) before any object is contacted", async () => {
    const at = "é".repeat(128); // 256 bytes, 128 characters
    expect((await send("Counter", at, "increment", { by: 1 })).status).toBe(200);
    expect(await rows<{ key: string }>("Counter", at, "SELECT entity_key AS key FROM entities WHERE entity_key = ?", at)).toHaveLength(1);
    const before = await shardIds();
    for (const past of [`${at}x`, "🚀".repeat(64) + "x"]) {
      const res = await send("Counter", past, "increment", { by: 1 });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: "validation_failed", errors: [{ path: "key" }] });
    }
    expect(await shardIds()).toBe(before);
  });

  it("refuses malformed percent-encoding and encoded lone surrogates with 400, not a key spelled with %", async () => {
    const before = await shardIds();
    for (const raw of ["%E0%A4", "%ED%A0%80", "bad%ZZ", "%FF"]) {
      const res = await exports.default.fetch(`${BASE}/v1/entities/Counter/${raw}/increment`, { method: "POST", headers: admin({ "content-type": "application/json" }), body: JSON.stringify({ by: 1 }) });
      expect(res.status, raw).toBe(400);
      expect(await res.json()).toMatchObject({ errors: [{ path: "key" }] });
    }
    expect(await shardIds()).toBe(before);
  });

  it("keeps keys that differ only by encoding apart: 'a/b', 'a%2Fb' and 'a b' are three entities", async () => {
    for (const [key, by] of [["a/b", 1], ["a%2Fb", 10], ["a b", 100]] as const) expect((await send("Counter", key, "increment", { by })).status).toBe(200);
    for (const [key, value] of [["a/b", 1], ["a%2Fb", 10], ["a b", 100]] as const) {
      const res = await send("Counter", key, "get");
      expect(await res.json(), key).toMatchObject({ value });
    }
  });
});

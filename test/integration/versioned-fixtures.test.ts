import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InventoryState } from "../../examples/demo/inventory-state.ts";
import { TransferInput } from "../../examples/demo/transfer-input.ts";
import { versioned, type Versioned } from "../../src/workflows/versioned.ts";
import inventoryV1 from "../fixtures/versioned/inventory-state.v1.json";
import inventoryV2 from "../fixtures/versioned/inventory-state.v2.json";
import transferV1 from "../fixtures/versioned/transfer-input.v1.json";
import transferV2 from "../fixtures/versioned/transfer-input.v2.json";
import greetingV1 from "../fixtures/versioned/greeting.v1.json";
import greetingV2 from "../fixtures/versioned/greeting.v2.json";
import { Greeting } from "../../examples/demo/greeting.ts";

/** Every versioned stored shape of the app, by the name its golden fixtures use. */
const SHAPES: Record<string, Versioned<unknown>> = { "transfer-input": TransferInput, "inventory-state": InventoryState, greeting: Greeting };
interface Fixture {
  shape: string;
  version: number;
  stored: unknown;
  decoded: unknown;
}
// Every file of test/fixtures/versioned: add the new version's sample here when a shape gets one.
const FILES: Record<string, Fixture> = { "transfer-input.v1.json": transferV1, "transfer-input.v2.json": transferV2, "inventory-state.v1.json": inventoryV1, "inventory-state.v2.json": inventoryV2, "greeting.v1.json": greetingV1, "greeting.v2.json": greetingV2 };
const fixtures = Object.entries(FILES).map(([file, fixture]) => ({ file, ...fixture }));

describe("golden fixtures (test/fixtures/versioned)", () => {
  it.each(fixtures)("$file decodes under the current code", ({ shape, stored, decoded }) => {
    const codec = SHAPES[shape];
    expect(codec, `unknown shape ${shape}`).toBeDefined();
    expect(codec?.decode(stored)).toEqual(decoded);
  });

  it("has a fixture for every version of every shape", () => {
    for (const [shape, codec] of Object.entries(SHAPES)) {
      const versions = fixtures.filter((f) => f.shape === shape).map((f) => f.version).sort((x, y) => x - y);
      expect(versions, shape).toEqual(Array.from({ length: codec.latest }, (_, i) => i + 1));
    }
  });
});

describe("versioned", () => {
  const V = versioned({
    versions: [z.object({ name: z.string() }), z.object({ first: z.string(), last: z.string() }), z.object({ first: z.string(), last: z.string(), age: z.number().default(0) })],
    upgrade: [({ name }) => ({ first: name.split(" ")[0] ?? "", last: name.split(" ")[1] ?? "" }), undefined],
  });

  it("reads a value without v as version 1 and upgrades it step by step to the latest", () => {
    expect(V.decode({ name: "Ada Lovelace" })).toEqual({ v: 3, first: "Ada", last: "Lovelace", age: 0 });
    expect(V.decode({ v: 2, first: "Ada", last: "L" })).toEqual({ v: 3, first: "Ada", last: "L", age: 0 });
  });

  it("writes the latest version", () => {
    expect(V.latest).toBe(3);
    expect(V.encode({ first: "A", last: "B", age: 3 })).toEqual({ v: 3, first: "A", last: "B", age: 3 });
  });

  it("refuses an unknown version and invalid data, naming the path", () => {
    expect(V.schema.safeParse({ v: 4, first: "a" }).error?.issues[0]?.path).toEqual(["v"]);
    expect(V.schema.safeParse({ v: 2, first: "a" }).error?.issues[0]?.path).toEqual(["last"]);
    expect(V.schema.safeParse("text").success).toBe(false);
  });
});

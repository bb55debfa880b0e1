import { describe, expect, it } from "vitest";
import { DeployManifestSchema, type ObjectMetadata, type ObjectMetadataInput, TENANT_PLANS } from "../../src/spec/index.ts";
import { columnDef, sqlLiteral } from "../../src/tenants/ddl.ts";
import { diffMetadata } from "../../src/tenants/diff.ts";
import { isNarrowing, planMigration } from "../../src/tenants/planner.ts";
import { checkQuota, checkStorage } from "../../src/tenants/quotas.ts";
import { recordInputSchema } from "../../src/tenants/record-schema.ts";
import { manifestChecksum } from "../../src/tenants/checksum.ts";
import { validateManifest } from "../../src/tenants/validate.ts";

const objects = (...o: ObjectMetadataInput[]): ObjectMetadata[] => DeployManifestSchema.parse({ version: "1", objects: o }).objects;
const set = (o: ObjectMetadata[]) => ({ objects: o, others: new Map<string, string>() });
const task = objects({ name: "task", label: "Task", fields: [{ name: "title", type: "text", indexed: true }, { name: "points", type: "integer" }] });

describe("diff", () => {
  it("finds added, modified and removed objects and fields, and nothing for equal metadata in another field order", () => {
    const next = objects({ name: "task", label: "Tasks", fields: [{ name: "points", type: "number" }, { name: "due", type: "date" }] }, { name: "tag", label: "Tag", fields: [] });
    const diff = diffMetadata(set(task), set(next));
    expect(diff.objectsAdded.map((o) => o.name)).toEqual(["tag"]);
    expect(diff.objectsModified[0]).toMatchObject({ name: "task", labelChanged: true, fieldsAdded: [{ name: "due" }], fieldsRemoved: [{ name: "title" }], fieldsModified: [{ name: "points", changes: ["type"] }] });
    expect(diffMetadata(set(task), set(objects({ ...task[0]!, fields: [...task[0]!.fields].reverse() }))).empty).toBe(true);
    expect(diffMetadata(set(task), set([])).objectsRemoved.map((o) => o.name)).toEqual(["task"]);
  });
});

describe("planner", () => {
  it("adds a column in place and indexes it", () => {
    const next = objects({ ...task[0]!, fields: [...task[0]!.fields, { name: "note", type: "text", unique: true }] });
    const plan = planMigration(diffMetadata(set(task), set(next)), task, next);
    expect(plan.statements.map((s) => s.sql)).toEqual(['ALTER TABLE "o_task" ADD COLUMN "note" TEXT', 'CREATE UNIQUE INDEX "ux_task__note" ON "o_task" ("note")']);
    expect(plan.destructive).toBe(false);
  });

  it("rebuilds for a type change, copying rows with a cast and re-creating the indexes", () => {
    const next = objects({ ...task[0]!, fields: [{ name: "title", type: "text", indexed: true }, { name: "points", type: "number" }] });
    const sql = planMigration(diffMetadata(set(task), set(next)), task, next).statements.map((s) => s.sql);
    expect(sql[0]).toMatch(/^CREATE TABLE "o_task__rebuild"/);
    expect(sql[1]).toBe('INSERT INTO "o_task__rebuild" ("id", "created_at", "updated_at", "title", "points") SELECT "id", "created_at", "updated_at", "title", CAST("points" AS REAL) FROM "o_task"');
    expect(sql.slice(2)).toEqual(['DROP TABLE "o_task"', 'ALTER TABLE "o_task__rebuild" RENAME TO "o_task"', 'CREATE INDEX "ix_task__title" ON "o_task" ("title")']);
  });

  it("flags drops and narrowing as destructive, widening not", () => {
    const [text, int] = [{ name: "f", type: "text" as const, required: false, unique: false, indexed: false }, { name: "f", type: "integer" as const, required: false, unique: false, indexed: false }];
    expect(isNarrowing(int, text)).toBe(false);
    expect(isNarrowing(text, int)).toBe(true);
    expect(isNarrowing(text, { ...text, maxLength: 5 })).toBe(true);
    const plan = planMigration(diffMetadata(set(task), set([])), task, []);
    expect(plan).toMatchObject({ destructive: true, statements: [{ sql: 'DROP TABLE IF EXISTS "o_task"', destructive: true }] });
    const narrowed = objects({ ...task[0]!, fields: [{ name: "title", type: "integer" }, { name: "points", type: "integer" }] });
    expect(planMigration(diffMetadata(set(task), set(narrowed)), task, narrowed).destructive).toBe(true);
  });

  it("maps fields to SQLite columns with checks and escaped defaults", () => {
    expect(columnDef({ name: "s", type: "select", options: ["a", "b'c"], required: true, unique: false, indexed: false, default: "a" })).toBe(`"s" TEXT NOT NULL DEFAULT 'a' CHECK ("s" IS NULL OR "s" IN ('a', 'b''c'))`);
    expect(columnDef({ name: "b", type: "boolean", required: false, unique: false, indexed: false, default: true })).toBe('"b" INTEGER DEFAULT 1 CHECK ("b" IS NULL OR "b" IN (0, 1))');
    expect(sqlLiteral("'; DROP TABLE x; --")).toBe("'''; DROP TABLE x; --'");
  });
});

describe("field-to-zod and validation", () => {
  it("derives a strict record schema from the fields", () => {
    const [o] = objects({ name: "x", label: "X", fields: [{ name: "n", type: "integer", required: true }, { name: "d", type: "date" }, { name: "j", type: "json" }] });
    const schema = recordInputSchema(o!);
    expect(schema.safeParse({ n: 1, d: "2026-01-02", j: { a: [1] } }).success).toBe(true);
    expect(schema.safeParse({ n: 1.5 }).success).toBe(false);
    expect(schema.safeParse({ n: 1, other: 1 }).success).toBe(false);
    expect(recordInputSchema(o!, true).safeParse({}).success).toBe(true);
  });

  it("reports reserved names, unknown references, bad defaults and a wrong checksum", () => {
    const raw = { version: "1", objects: [{ name: "a", label: "A", fields: [{ name: "id", type: "text" }, { name: "r", type: "reference", reference: "zz" }, { name: "n", type: "integer", default: "x" }] }] };
    const manifest = DeployManifestSchema.parse({ ...raw, checksum: "0".repeat(64) });
    const result = validateManifest(manifest, { owner: "tenant", otherObjects: [], raw });
    expect(result.errors.map((e) => e.code).sort()).toEqual(["checksum_mismatch", "invalid_default", "reserved_name", "unknown_reference"]);
    const ok = DeployManifestSchema.parse({ ...raw, objects: [], checksum: manifestChecksum({ ...raw, objects: [] }) });
    expect(validateManifest(ok, { owner: "tenant", otherObjects: [] }).valid).toBe(true);
  });
});

describe("quota arithmetic", () => {
  it("allows up to the limit and refuses beyond it", () => {
    const q = { ...TENANT_PLANS.free, maxObjects: 3 };
    expect(checkQuota(q, "maxObjects", 1, 2)).toEqual({ allowed: true, quota: "maxObjects", current: 1, limit: 3 });
    expect(checkQuota(q, "maxObjects", 2, 2).allowed).toBe(false);
    expect(checkStorage({ ...q, maxStorageBytes: 100 }, 100).allowed).toBe(false);
    expect(checkStorage({ ...q, maxStorageBytes: 100 }, 99).allowed).toBe(true);
  });
});

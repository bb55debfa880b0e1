import type { DeployDiff, FieldMetadata, FieldType, MigrationPlan, MigrationStatement, ObjectChange, ObjectMetadata } from "../spec/index.ts";
import { createTable, dropIndexes, fieldIndexes, quoteId, rebuildTable, tableOf, columnDef } from "./ddl.ts";

/** Type changes that keep every value (anything else narrows, and is destructive). */
const WIDENING: Partial<Record<FieldType, readonly FieldType[]>> = {
  integer: ["number", "text", "long_text", "json"],
  number: ["text", "long_text", "json"],
  text: ["long_text", "json"],
  long_text: ["text", "json"],
  select: ["text", "long_text", "json"],
  date: ["text", "long_text", "datetime", "json"],
  datetime: ["text", "long_text", "json"],
  boolean: ["integer", "number", "text", "long_text", "json"],
  reference: ["text", "long_text", "json"],
};

/** Attributes SQLite cannot alter in place: changing one rebuilds the table. */
const REBUILD_ATTRIBUTES = new Set(["type", "required", "maxLength", "default", "options"]);

/** Whether a field change may lose data: a narrowing type, a shorter (or new) maxLength, fewer options. */
export function isNarrowing(before: FieldMetadata, after: FieldMetadata): boolean {
  if (before.type !== after.type && !(WIDENING[before.type] ?? []).includes(after.type)) return true;
  if (after.maxLength !== undefined && (before.maxLength === undefined || after.maxLength < before.maxLength)) return true;
  if (before.type === "select" && after.type === "select" && (before.options ?? []).some((o) => !(after.options ?? []).includes(o))) return true;
  return false;
}

/** A field that ADD COLUMN cannot add: NOT NULL without a default. */
const needsRebuildToAdd = (f: FieldMetadata): boolean => f.required && (f.default === undefined || f.default === null);

function planModified(change: ObjectChange, before: ObjectMetadata, after: ObjectMetadata): MigrationStatement[] {
  const narrowing = change.fieldsModified.filter((m) => isNarrowing(m.before, m.after));
  const rebuildBy = change.fieldsModified.filter((m) => m.changes.some((c) => REBUILD_ATTRIBUTES.has(c))).map((m) => m.name);
  const rebuildAdd = change.fieldsAdded.filter(needsRebuildToAdd).map((f) => f.name);
  if (rebuildBy.length + rebuildAdd.length > 0) {
    const destructive = narrowing.length > 0 || change.fieldsRemoved.length > 0;
    const why = [...rebuildBy.map((f) => `change of ${f}`), ...rebuildAdd.map((f) => `required field ${f} without a default`), ...change.fieldsRemoved.map((f) => `removal of ${f.name}`)].join(", ");
    return rebuildTable(before, after).map((sql) => ({ sql, reason: `rebuild ${after.name}: ${why}`, destructive }));
  }
  const out: MigrationStatement[] = [];
  for (const f of change.fieldsRemoved) {
    for (const sql of dropIndexes(after.name, f.name)) out.push({ sql, reason: `drop the indexes of ${after.name}.${f.name}`, destructive: false });
    out.push({ sql: `ALTER TABLE ${tableOf(after.name)} DROP COLUMN ${quoteId(f.name)}`, reason: `remove field ${after.name}.${f.name}`, destructive: true });
  }
  for (const f of change.fieldsAdded) {
    out.push({ sql: `ALTER TABLE ${tableOf(after.name)} ADD COLUMN ${columnDef(f)}`, reason: `add field ${after.name}.${f.name}`, destructive: false });
    for (const sql of fieldIndexes(after.name, f)) out.push({ sql, reason: `index ${after.name}.${f.name}`, destructive: false });
  }
  for (const m of change.fieldsModified.filter((x) => x.changes.includes("unique") || x.changes.includes("indexed"))) {
    for (const sql of dropIndexes(after.name, m.name)) out.push({ sql, reason: `re-index ${after.name}.${m.name}`, destructive: false });
    for (const sql of fieldIndexes(after.name, m.after)) out.push({ sql, reason: `re-index ${after.name}.${m.name}`, destructive: false });
  }
  return out;
}

/**
 * The ordered migration of a diff: drops of removed objects, creation of new ones, then each
 * modified object in place (ADD / DROP COLUMN, indexes) or by a rebuild that copies its rows.
 * Label-only changes and views, flows and permissions need no SQL.
 */
export function planMigration(diff: DeployDiff, current: readonly ObjectMetadata[], next: readonly ObjectMetadata[]): MigrationPlan {
  const statements: MigrationStatement[] = [];
  for (const o of diff.objectsRemoved) statements.push({ sql: `DROP TABLE IF EXISTS ${tableOf(o.name)}`, reason: `remove object ${o.name}`, destructive: true });
  for (const o of diff.objectsAdded) {
    statements.push({ sql: createTable(o), reason: `create object ${o.name}`, destructive: false });
    for (const f of o.fields) for (const sql of fieldIndexes(o.name, f)) statements.push({ sql, reason: `index ${o.name}.${f.name}`, destructive: false });
  }
  for (const change of diff.objectsModified) {
    const before = current.find((o) => o.name === change.name);
    const after = next.find((o) => o.name === change.name);
    if (before && after) statements.push(...planModified(change, before, after));
  }
  return { statements, destructive: statements.some((s) => s.destructive) };
}

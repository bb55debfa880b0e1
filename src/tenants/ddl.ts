import { SQLITE_TYPE_MAPPING, type FieldMetadata, type ObjectMetadata } from "../spec/index.ts";

/**
 * SQLite DDL for deployed objects. Pure: every identifier comes from metadata that passed
 * `MachineNameSchema` (snake_case), and is quoted anyway; default values are rendered as
 * escaped literals (DDL takes no parameters). An object `foo` is the STRICT table `o_foo`.
 */

/** Columns every record table has; reserved as field names. */
export const SYSTEM_COLUMNS = ["id", "created_at", "updated_at"] as const;

export const quoteId = (name: string): string => `"${name.replaceAll('"', '""')}"`;
export const tableOf = (object: string): string => quoteId(`o_${object}`);
export const indexOf = (object: string, field: string, unique: boolean): string => quoteId(`${unique ? "ux" : "ix"}_${object}__${field}`);

/** A value as SQLite stores it: booleans 0/1, JSON fields as JSON text. */
export function storageValue(field: Pick<FieldMetadata, "type">, value: unknown): SqlStorageValue {
  if (value === null || value === undefined) return null;
  if (field.type === "json") return JSON.stringify(value);
  if (field.type === "boolean") return value === true ? 1 : 0;
  if (typeof value === "string" || typeof value === "number") return value;
  return JSON.stringify(value);
}

/** An SQL literal of a storage value. */
export function sqlLiteral(value: SqlStorageValue): string {
  if (value === null) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("a non-finite number has no SQL literal");
    return String(value);
  }
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  throw new Error("binary defaults are not supported");
}

function checkOf(field: FieldMetadata): string | null {
  const col = quoteId(field.name);
  if ((field.type === "text" || field.type === "long_text") && field.maxLength !== undefined) return `length(${col}) <= ${field.maxLength}`;
  if (field.type === "boolean") return `${col} IN (0, 1)`;
  if (field.type === "select" && field.options) return `${col} IN (${field.options.map((o) => sqlLiteral(o)).join(", ")})`;
  if (field.type === "json") return `json_valid(${col})`;
  return null;
}

/** The column definition of a field. */
export function columnDef(field: FieldMetadata): string {
  const parts = [quoteId(field.name), SQLITE_TYPE_MAPPING[field.type].sqlite];
  if (field.required) parts.push("NOT NULL");
  if (field.default !== undefined && field.default !== null) parts.push(`DEFAULT ${sqlLiteral(storageValue(field, field.default))}`);
  const check = checkOf(field);
  if (check) parts.push(`CHECK (${quoteId(field.name)} IS NULL OR ${check})`);
  return parts.join(" ");
}

/** `CREATE TABLE` of an object (under another table name for a rebuild). */
export function createTable(object: ObjectMetadata, table = tableOf(object.name)): string {
  const columns = ['"id" TEXT PRIMARY KEY NOT NULL', '"created_at" INTEGER NOT NULL', '"updated_at" INTEGER NOT NULL', ...object.fields.map(columnDef)];
  return `CREATE TABLE ${table} (${columns.join(", ")}) STRICT`;
}

/** The index statements of one field (none, an index, a unique index, or both). */
export function fieldIndexes(object: string, field: FieldMetadata): string[] {
  const out: string[] = [];
  if (field.unique) out.push(`CREATE UNIQUE INDEX ${indexOf(object, field.name, true)} ON ${tableOf(object)} (${quoteId(field.name)})`);
  if (field.indexed && !field.unique) out.push(`CREATE INDEX ${indexOf(object, field.name, false)} ON ${tableOf(object)} (${quoteId(field.name)})`);
  return out;
}

export const dropIndexes = (object: string, field: string): string[] => [true, false].map((u) => `DROP INDEX IF EXISTS ${indexOf(object, field, u)}`);

/** The expression copying an old column into its new definition during a rebuild. */
export function copyExpression(before: FieldMetadata, after: FieldMetadata): string {
  const col = quoteId(before.name);
  let expr = col;
  if (before.type !== after.type) {
    if (after.type === "json") expr = before.type === "boolean" ? `CASE WHEN ${col} IS NULL THEN NULL WHEN ${col} THEN 'true' ELSE 'false' END` : `json_quote(${col})`;
    else if (after.type === "boolean") expr = `CASE WHEN ${col} IS NULL THEN NULL WHEN ${col} IN (0, '0', 'false', '') THEN 0 ELSE 1 END`;
    else if (SQLITE_TYPE_MAPPING[after.type].sqlite !== SQLITE_TYPE_MAPPING[before.type].sqlite) expr = `CAST(${col} AS ${SQLITE_TYPE_MAPPING[after.type].sqlite})`;
  }
  if (after.required && after.default !== undefined && after.default !== null) expr = `COALESCE(${expr}, ${sqlLiteral(storageValue(after, after.default))})`;
  return expr;
}

/** Rebuilds a table into a new definition, keeping the rows of the columns both share, then re-creates the indexes. */
export function rebuildTable(before: ObjectMetadata, after: ObjectMetadata): string[] {
  const temp = quoteId(`o_${after.name}__rebuild`);
  const kept = after.fields.flatMap((f) => {
    const old = before.fields.find((b) => b.name === f.name);
    return old ? [{ name: quoteId(f.name), expr: copyExpression(old, f) }] : [];
  });
  const columns = ['"id"', '"created_at"', '"updated_at"', ...kept.map((k) => k.name)].join(", ");
  const select = ['"id"', '"created_at"', '"updated_at"', ...kept.map((k) => k.expr)].join(", ");
  return [
    createTable(after, temp),
    `INSERT INTO ${temp} (${columns}) SELECT ${select} FROM ${tableOf(before.name)}`,
    `DROP TABLE ${tableOf(before.name)}`,
    `ALTER TABLE ${temp} RENAME TO ${tableOf(after.name)}`,
    ...after.fields.flatMap((f) => fieldIndexes(after.name, f)),
  ];
}

import { AppError, FilterOperatorSchema, type FieldMetadata, type ObjectMetadata, type RecordFilter, type RecordQuery } from "../spec/index.ts";
import { JsonParams } from "../storage/sql-params.ts";
import { quoteId, storageValue, tableOf } from "./ddl.ts";
import { fieldValueSchema } from "./record-schema.ts";

/** A parameterised SELECT: identifiers only from the metadata, every value bound (through one JSON parameter). */
export interface SqlQuery {
  readonly sql: string;
  readonly params: SqlStorageValue[];
}

/** Values one `in` filter may list. */
export const MAX_IN_VALUES = 100;
/** Filters one listing may combine. */
export const MAX_FILTERS = 20;
const INTEGER = /^-?\d{1,16}$/;
/** A number as JSON writes it: no blanks, hex, `Infinity` or empty string. */
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const FILTER_KEY = /^([a-z][a-z0-9_]{0,62})\[([a-z]+)\]$/;
const SYSTEM: Record<string, FieldMetadata> = {
  id: { name: "id", type: "text", required: true, unique: true, indexed: false },
  created_at: { name: "created_at", type: "integer", required: true, unique: false, indexed: false },
  updated_at: { name: "updated_at", type: "integer", required: true, unique: false, indexed: false },
};

const bad = (path: string, message: string) => new AppError("validation_failed", `invalid query: ${path}: ${message}`, { extra: { errors: [{ path, message }] } });

/** Parses `?<field>[<op>]=value&sort=-field&limit=&cursor=` into a query (names checked later, against metadata). */
export function parseRecordQuery(params: URLSearchParams): RecordQuery {
  const filters: RecordFilter[] = [];
  let limit = 50;
  for (const [key, value] of params) {
    if (key === "sort" || key === "cursor") continue;
    if (key === "limit") {
      limit = Number(value);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw bad("query.limit", "an integer 1–200");
      continue;
    }
    const m = FILTER_KEY.exec(key);
    const op = FilterOperatorSchema.safeParse(m?.[2]);
    if (!m || !op.success) throw bad(`query.${key}`, "filters are <field>[eq|ne|lt|gt|in|contains]=<value>");
    filters.push({ field: m[1] ?? "", op: op.data, value });
  }
  if (filters.length > MAX_FILTERS) throw bad("query", `at most ${MAX_FILTERS} filters`);
  const sort = params.get("sort") ?? undefined;
  const cursor = params.get("cursor") ?? undefined;
  return { filters, limit, ...(sort ? { sort } : {}), ...(cursor ? { cursor } : {}) };
}

function fieldOf(object: ObjectMetadata, name: string, path: string): FieldMetadata {
  const field = SYSTEM[name] ?? object.fields.find((f) => f.name === name);
  if (!field) throw bad(path, `no field '${name}' on '${object.name}'`);
  return field;
}

/** A raw query value coerced to the field type, then validated as the field's values are. */
export function coerce(field: FieldMetadata, raw: string, path: string): SqlStorageValue {
  if (SYSTEM[field.name] && field.type === "integer") {
    const ms = INTEGER.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(ms)) throw bad(path, "not an integer (ms since the epoch)");
    return ms;
  }
  const value: unknown = field.type === "integer" || field.type === "number" ? (NUMBER.test(raw) ? Number(raw) : Number.NaN) : field.type === "boolean" ? (raw === "true" ? true : raw === "false" ? false : raw)  : raw;
  if (field.type !== "json" && !fieldValueSchema(field).safeParse(value).success) throw bad(path, `not a valid ${field.type}`);
  return field.type === "json" ? raw : storageValue(field, value);
}

interface Cursor { v: SqlStorageValue; id: string }

export const encodeCursor = (c: Cursor): string => btoa(JSON.stringify(c)).replaceAll("=", "");
function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(atob(raw)) as Cursor;
    if (typeof c.id !== "string" || !(c.v === null || typeof c.v === "string" || typeof c.v === "number")) throw new Error("shape");
    return c;
  } catch {
    throw bad("query.cursor", "not a cursor of this listing");
  }
}

/**
 * The SELECT of a listing: filters AND-ed, ordered by the sort field then id, keyset-paginated
 * (`limit + 1` rows fetched to know whether a next page exists). NULLs sort first ascending.
 */
export function buildListQuery(object: ObjectMetadata, query: RecordQuery): SqlQuery & { sortField: string } {
  const where: string[] = [];
  const values = new JsonParams(1); // every value through ?1, so any number of filters and IN values binds two parameters
  for (const f of query.filters) {
    const field = fieldOf(object, f.field, `query.${f.field}[${f.op}]`);
    const col = quoteId(field.name);
    const path = `query.${f.field}[${f.op}]`;
    if (f.op === "in") {
      const listed = f.value.split(",");
      if (listed.length > MAX_IN_VALUES) throw bad(path, `at most ${MAX_IN_VALUES} values (${listed.length} given)`);
      where.push(`${col} IN ${values.list(listed.map((v) => coerce(field, v, path)))}`);
    }
    else if (f.op === "contains") where.push(`instr(${col}, ${values.value(f.value)}) > 0`);
    else where.push(`${col} ${{ eq: "=", ne: "!=", lt: "<", gt: ">" }[f.op]} ${values.value(coerce(field, f.value, path))}`);
  }
  const desc = query.sort?.startsWith("-") ?? false;
  const sortName = query.sort?.replace(/^-/, "") ?? "id";
  const sortCol = quoteId(fieldOf(object, sortName, "query.sort").name);
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    const id = values.value(c.id);
    if (sortName === "id") {
      where.push(`"id" ${desc ? "<" : ">"} ${id}`);
    } else if (c.v === null) {
      where.push(desc ? `(${sortCol} IS NULL AND "id" < ${id})` : `((${sortCol} IS NULL AND "id" > ${id}) OR ${sortCol} IS NOT NULL)`);
    } else {
      const v = values.value(c.v);
      where.push(desc ? `(${sortCol} < ${v} OR (${sortCol} = ${v} AND "id" < ${id}) OR ${sortCol} IS NULL)` : `(${sortCol} > ${v} OR (${sortCol} = ${v} AND "id" > ${id}))`);
    }
  }
  const dir = desc ? "DESC" : "ASC";
  const order = sortName === "id" ? `"id" ${dir}` : `${sortCol} ${dir}, "id" ${dir}`;
  const sql = `SELECT * FROM ${tableOf(object.name)}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${order} LIMIT ?2`;
  return { sql, params: [values.bind(), query.limit + 1], sortField: sortName };
}

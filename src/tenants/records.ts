import { JsonParams } from "../storage/sql-params.ts";
import { AppError, validationError, type FieldMetadata, type ObjectMetadata, type RecordPage, type RecordQuery, type TenantQuota, type TenantRecord } from "../spec/index.ts";
import { quoteId, storageValue, tableOf } from "./ddl.ts";
import type { MetadataStore } from "./metadata-store.ts";
import { checkQuota, checkStorage, enforceQuota } from "./quotas.ts";
import { buildListQuery, encodeCursor } from "./record-query.ts";
import { recordInputSchema } from "./record-schema.ts";

type Row = Record<string, SqlStorageValue>;

/** A SQL value as text (references and ids are TEXT; blobs never occur in record tables). */
const text = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : JSON.stringify(v));

const RECORD_ID = /^rec_[0-9a-f]{24}$/;
const newId = (now: number): string => `rec_${now.toString(16).padStart(12, "0")}${[...crypto.getRandomValues(new Uint8Array(6))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;

function fromRow(object: ObjectMetadata, row: Row): TenantRecord {
  const out: TenantRecord = { id: text(row.id), createdAt: new Date(Number(row.created_at)).toISOString(), updatedAt: new Date(Number(row.updated_at)).toISOString() };
  for (const f of object.fields) {
    const v = row[f.name] ?? null;
    out[f.name] = v === null ? null : f.type === "boolean" ? v === 1 : f.type === "json" ? (JSON.parse(text(v)) as unknown) : v;
  }
  return out;
}

/**
 * CRUD over a deployed object's table. Input is validated by the schema derived from the field
 * metadata (400 with paths); table and column names come only from that metadata; values are
 * always parameters. Unique violations answer 409, dangling references 422, quotas 403.
 */
export class RecordStore {
  constructor(private readonly storage: DurableObjectStorage, private readonly metadata: MetadataStore, private readonly now: () => number) {}

  #parse(object: ObjectMetadata, input: unknown, partial: boolean): Record<string, unknown> {
    const parsed = recordInputSchema(object, partial).safeParse(input);
    if (!parsed.success) throw validationError(parsed.error, "record");
    return parsed.data;
  }

  #checkReferences(object: ObjectMetadata, values: Record<string, unknown>): void {
    for (const f of object.fields) {
      const v = values[f.name];
      if (f.type !== "reference" || !f.reference || v === null || v === undefined) continue;
      const target = this.metadata.object(f.reference);
      if (this.storage.sql.exec(`SELECT 1 FROM ${tableOf(target.name)} WHERE "id" = ?`, text(v)).toArray().length === 0) {
        throw new AppError("unprocessable", `${f.name}: no ${target.name} record '${text(v)}'`, { extra: { errors: [{ path: f.name, message: `no ${target.name} record '${text(v)}'` }] } });
      }
    }
  }

  #write(work: () => void): void {
    try {
      work();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/UNIQUE constraint failed/i.test(message)) throw new AppError("conflict", `a unique field already has this value (${message.replace(/^.*UNIQUE constraint failed: /i, "")})`);
      if (/constraint failed/i.test(message)) throw new AppError("unprocessable", message);
      throw err;
    }
  }

  /**
   * The table's row count where the quota needs it. Rowids are distinct and at least 1, so the
   * largest bounds the count from above in one index step (`_rowid_`: a field may be named `rowid`
   * or `oid`, never `_rowid_`, since field names start with a letter): below `limit`, that bound says enough
   * and the table is not scanned; only at the limit (or after deletes left the bound high) it is counted.
   */
  #countUpTo(table: string, limit: number): number {
    const bound = this.storage.sql.exec<{ n: number | null }>(`SELECT MAX(_rowid_) AS n FROM ${table}`).one().n ?? 0;
    return bound < limit ? bound : this.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n;
  }

  #row(object: ObjectMetadata, id: string): Row {
    const row = RECORD_ID.test(id) ? this.storage.sql.exec<Row>(`SELECT * FROM ${tableOf(object.name)} WHERE "id" = ?`, id).toArray()[0] : undefined;
    if (!row) throw new AppError("not_found", `no ${object.name} record '${id}'`);
    return row;
  }

  create(objectName: string, input: unknown, quota: TenantQuota): TenantRecord {
    const object = this.metadata.object(objectName);
    const values = this.#parse(object, input, false);
    enforceQuota(checkStorage(quota, this.storage.sql.databaseSize));
    enforceQuota(checkQuota(quota, "maxRecordsPerObject", this.#countUpTo(tableOf(object.name), quota.maxRecordsPerObject)));
    this.#checkReferences(object, values);
    const now = this.now();
    const id = newId(now);
    const fields = object.fields.filter((f) => values[f.name] !== undefined);
    const cols = ['"id"', '"created_at"', '"updated_at"', ...fields.map((f) => quoteId(f.name))];
    const bound = new JsonParams(1); // up to 200 fields: every value through ?1
    const exprs = [id, now, now, ...fields.map((f) => storageValue(f, values[f.name]))].map((v) => bound.value(v));
    this.#write(() => this.storage.sql.exec(`INSERT INTO ${tableOf(object.name)} (${cols.join(", ")}) VALUES (${exprs.join(", ")})`, bound.bind()));
    return fromRow(object, this.#row(object, id));
  }

  get(objectName: string, id: string): TenantRecord {
    const object = this.metadata.object(objectName);
    return fromRow(object, this.#row(object, id));
  }

  update(objectName: string, id: string, input: unknown, quota: TenantQuota): TenantRecord {
    const object = this.metadata.object(objectName);
    const values = this.#parse(object, input, true);
    this.#row(object, id);
    enforceQuota(checkStorage(quota, this.storage.sql.databaseSize));
    this.#checkReferences(object, values);
    const fields: FieldMetadata[] = object.fields.filter((f) => values[f.name] !== undefined);
    const bound = new JsonParams(1);
    const sets = [`"updated_at" = ${bound.value(this.now())}`, ...fields.map((f) => `${quoteId(f.name)} = ${bound.value(storageValue(f, values[f.name]))}`)];
    this.#write(() => this.storage.sql.exec(`UPDATE ${tableOf(object.name)} SET ${sets.join(", ")} WHERE "id" = ${bound.value(id)}`, bound.bind()));
    return fromRow(object, this.#row(object, id));
  }

  remove(objectName: string, id: string): void {
    const object = this.metadata.object(objectName);
    this.#row(object, id);
    for (const other of this.metadata.objects()) {
      for (const f of other.fields.filter((x) => x.reference === object.name)) {
        if (this.storage.sql.exec(`SELECT 1 FROM ${tableOf(other.name)} WHERE ${quoteId(f.name)} = ? LIMIT 1`, id).toArray().length > 0) throw new AppError("conflict", `${other.name}.${f.name} still refers to this record`);
      }
    }
    this.storage.sql.exec(`DELETE FROM ${tableOf(object.name)} WHERE "id" = ?`, id);
  }

  list(objectName: string, query: RecordQuery): RecordPage {
    const object = this.metadata.object(objectName);
    const q = buildListQuery(object, query);
    const rows = this.storage.sql.exec<Row>(q.sql, ...q.params).toArray();
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > query.limit && last ? encodeCursor({ v: last[q.sortField] ?? null, id: text(last.id) }) : null;
    return { items: page.map((r) => fromRow(object, r)), nextCursor };
  }

  /** Rows per deployed object. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const o of this.metadata.objects()) out[o.name] = this.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${tableOf(o.name)}`).one().n;
    return out;
  }
}

import { TenantObject as RealTenantObject } from "../../test/fixtures/worker.ts";
import { ObjectMetadataSchema, type FieldMetadata } from "../../src/spec/index.ts";
import { createTable, fieldIndexes, quoteId, storageValue, tableOf } from "../../src/tenants/ddl.ts";
import { tenantObjectName } from "../../src/webhooks/tenant-client.ts";

const COPY = quoteId("bench_copy");
const rawId = (): string => `rec_${[...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;

/** A seed value per row `i` of a field's type (setup only). */
function seedExpression(field: FieldMetadata): string {
  if (field.type === "integer") return "i";
  if (field.type === "number") return "i * 0.5";
  if (field.type === "boolean") return "i % 2";
  if (field.type === "text" || field.type === "long_text") return "'row ' || i";
  throw new Error(`no seed for ${field.type} fields`);
}

/**
 * The benchmark Worker's `TenantObject`: the real one (a local export wins over `export *`, so the
 * TENANTS binding runs this class) plus raw-SQL baselines over the same tenant database. Table and
 * column names come from the deployed metadata, as in the real record store.
 */
export class TenantObject extends RealTenantObject {
  /** Setup, not measured: `n` rows into a deployed object's table in one INSERT … SELECT over a recursive CTE. */
  benchSeed(object: string, n: number): { rows: number } {
    const o = this.tenant.metadata.object(object);
    const cols = ['"id"', '"created_at"', '"updated_at"', ...o.fields.map((f) => quoteId(f.name))].join(", ");
    const values = ["printf('rec_%024x', i)", "?", "?", ...o.fields.map(seedExpression)].join(", ");
    const now = Date.now();
    this.ctx.storage.sql.exec(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?) INSERT INTO ${tableOf(o.name)} (${cols}) SELECT ${values} FROM s`, n, now, now);
    return { rows: this.#count(tableOf(o.name)) };
  }

  /** Baseline: drops the previous copy, then a plain `INSERT … SELECT *` of the object's rows into a new table of the same definition, in one transaction. */
  benchCopy(object: string): { rows: number } {
    const o = this.tenant.metadata.object(object);
    const sql = this.ctx.storage.sql;
    sql.exec(`DROP TABLE IF EXISTS ${COPY}`);
    // The rows the INSERT wrote (a COUNT(*) here would scan them again inside the measured call).
    const rows = this.ctx.storage.transactionSync(() => {
      sql.exec(createTable(o, COPY));
      sql.exec(`INSERT INTO ${COPY} SELECT * FROM ${tableOf(o.name)}`);
      return sql.exec<{ n: number }>("SELECT changes() AS n").one().n;
    });
    return { rows };
  }

  /** Baseline: the CREATE TABLE and CREATE INDEX statements of the objects (renamed `raw_<name>`), in one transaction; no validation, diff or registration. */
  benchRawDdl(objects: unknown): { statements: number } {
    const parsed = ObjectMetadataSchema.array().parse(objects).map((o) => ({ ...o, name: `raw_${o.name}` }));
    const statements = parsed.flatMap((o) => [createTable(o), ...o.fields.flatMap((f) => fieldIndexes(o.name, f))]);
    this.ctx.storage.transactionSync(() => {
      for (const s of statements) this.ctx.storage.sql.exec(s);
    });
    return { statements: statements.length };
  }

  /** Baseline: `n` single-row INSERTs of the same values into the object's table (no validation, quota or read-back). */
  benchRawInserts(object: string, values: Record<string, unknown>, n: number): { rows: number } {
    const o = this.tenant.metadata.object(object);
    const fields = o.fields.filter((f) => values[f.name] !== undefined);
    const cols = ['"id"', '"created_at"', '"updated_at"', ...fields.map((f) => quoteId(f.name))];
    const insert = `INSERT INTO ${tableOf(o.name)} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`;
    const params = fields.map((f) => storageValue(f, values[f.name]));
    for (let i = 0; i < n; i++) {
      const now = Date.now();
      this.ctx.storage.sql.exec(insert, rawId(), now, now, ...params);
    }
    return { rows: n };
  }

  #count(table: string): number {
    return this.ctx.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n;
  }
}

const ROUTE = /^\/_bench\/tenants\/([a-z][a-z0-9-]{0,62})\/(ping|seed|copy|raw-ddl|raw-inserts)$/;

/**
 * `/_bench/tenants/{tenant}/{op}` (admin): the baselines, run inside the tenant's own object.
 * `ping` reaches a fresh object's first RPC; `seed?object=&n=`, `copy?object=` (drops the previous copy first),
 * `raw-ddl` (body: objects), `raw-inserts?object=&n=` (body: field values).
 */
export async function tenantBenchRoute(request: Request, env: Pick<Env, "TENANTS" | "ADMIN_TOKEN">): Promise<Response | null> {
  const url = new URL(request.url);
  const match = ROUTE.exec(url.pathname);
  if (!match || request.headers.get("authorization") !== `Bearer ${env.ADMIN_TOKEN}`) return null;
  const ns = env.TENANTS as unknown as DurableObjectNamespace<TenantObject>;
  const stub = ns.get(ns.idFromName(tenantObjectName(match[1] ?? "")));
  const object = url.searchParams.get("object") ?? "";
  const n = Number(url.searchParams.get("n") ?? "1");
  switch (match[2]) {
    case "ping":
      return Response.json(await stub.ping());
    case "seed":
      return Response.json(await stub.benchSeed(object, n));
    case "copy":
      return Response.json(await stub.benchCopy(object));
    case "raw-ddl":
      return Response.json(await stub.benchRawDdl(await request.json()));
    default:
      return Response.json(await stub.benchRawInserts(object, await request.json<Record<string, unknown>>(), n));
  }
}

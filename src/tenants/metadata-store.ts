import { AppError, type DeployManifest, type ObjectMetadata } from "../spec/index.ts";
import { othersOf, type MetadataSet } from "./diff.ts";

interface Row extends Record<string, SqlStorageValue> { kind: string; name: string; owner: string; definition: string }

/** Parsed definitions kept per object (a tenant has at most a few hundred objects; past this the memo starts over). */
const MAX_PARSED = 1_000;

/** The deployed metadata of a tenant (`tenant_metadata`), per owner: `tenant` or `app:<name>`. */
export class MetadataStore {
  readonly #parsed = new Map<string, ObjectMetadata>();

  constructor(private readonly sql: SqlStorage) {}

  objects(filter: { owner?: string; notOwner?: string } = {}): ObjectMetadata[] {
    const rows = this.sql.exec<Row>("SELECT * FROM tenant_metadata WHERE kind = 'object' ORDER BY name").toArray();
    return rows.filter((r) => (filter.owner === undefined || r.owner === filter.owner) && (filter.notOwner === undefined || r.owner !== filter.notOwner)).map((r) => JSON.parse(r.definition) as ObjectMetadata);
  }

  /** The deployed metadata of one owner, as the diff compares it. */
  set(owner: string): MetadataSet {
    const others = new Map<string, string>();
    for (const r of this.sql.exec<Row>("SELECT * FROM tenant_metadata WHERE kind != 'object' AND owner = ?", owner)) others.set(`${r.kind}:${r.name}`, r.definition);
    return { objects: this.objects({ owner }), others };
  }

  /**
   * One deployed object; 404 for a name that is not deployed (the only way a name reaches SQL). The
   * same stored definition gives back the same object, frozen, so what is derived from it (a
   * record's input schema) is built once per definition, not per request.
   */
  object(name: string): ObjectMetadata {
    const row = this.sql.exec<Row>("SELECT * FROM tenant_metadata WHERE kind = 'object' AND name = ?", name).toArray()[0];
    if (!row) throw new AppError("not_found", `no object '${name}'`);
    let parsed = this.#parsed.get(row.definition);
    if (!parsed) {
      if (this.#parsed.size >= MAX_PARSED) this.#parsed.clear();
      this.#parsed.set(row.definition, (parsed = deepFreeze(JSON.parse(row.definition) as ObjectMetadata)));
    }
    return parsed;
  }

  /** Replaces an owner's metadata by the manifest's (inside the migration's transaction). */
  register(owner: string, manifest: Pick<DeployManifest, "objects" | "views" | "flows" | "permissions">, version: number): void {
    this.sql.exec("DELETE FROM tenant_metadata WHERE owner = ?", owner);
    for (const o of manifest.objects) this.sql.exec("INSERT INTO tenant_metadata (kind, name, owner, definition, version) VALUES ('object', ?, ?, ?, ?)", o.name, owner, JSON.stringify(o), version);
    for (const [key, definition] of othersOf(manifest)) {
      const [kind = "", name = ""] = key.split(":");
      this.sql.exec("INSERT INTO tenant_metadata (kind, name, owner, definition, version) VALUES (?, ?, ?, ?, ?)", kind, name, owner, definition, version);
    }
  }
}

/** Freezes a parsed JSON value and everything in it (shared between requests, so nobody may change it). */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

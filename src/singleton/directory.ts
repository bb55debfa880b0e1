import { AppError } from "../spec/index.ts";

/**
 * The cluster's directory of the objects a read addresses by a name the client chose or can guess:
 * singletons, shards (entity, job and saga-log) and socket gateways. Each notes itself here once in its life,
 * before it serves its first call; a read asks here first and answers 404 without contacting an
 * object that was never created, so a read never creates one. The directory is the singleton
 * object `~directory` (no singleton name may start with `~`), the one object a read may wake.
 */
export const DIRECTORY_OBJECT = "~directory";

export type ObjectKind = "shard" | "singleton" | "gateway";

export const DIRECTORY_SQL = "CREATE TABLE IF NOT EXISTS directory (kind TEXT NOT NULL, name TEXT NOT NULL, noted_at INTEGER NOT NULL, PRIMARY KEY (kind, name)) WITHOUT ROWID;";

export function noteObject(sql: SqlStorage, kind: ObjectKind, name: string, now: number): void {
  sql.exec("INSERT OR IGNORE INTO directory (kind, name, noted_at) VALUES (?, ?, ?)", kind, name, now);
}

export function hasObject(sql: SqlStorage, kind: ObjectKind, name: string): boolean {
  return sql.exec("SELECT 1 FROM directory WHERE kind = ? AND name = ?", kind, name).toArray().length > 0;
}

/** Names of `kind` that start with `prefix`, in name order (at most 1,000). */
export function objectsUnder(sql: SqlStorage, kind: ObjectKind, prefix: string): string[] {
  return sql.exec<{ name: string }>("SELECT name FROM directory WHERE kind = ? AND substr(name, 1, ?) = ? ORDER BY name LIMIT 1000", kind, prefix.length, prefix).toArray().map((r) => r.name);
}

/** The directory RPCs of the `~directory` singleton object. */
export interface DirectoryStub {
  noteObject(kind: ObjectKind, name: string): Promise<void>;
  hasObject(kind: ObjectKind, name: string): Promise<boolean>;
  objectsUnder(kind: ObjectKind, prefix: string): Promise<string[]>;
}

export interface DirectoryNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): DirectoryStub;
}

/** Names known to exist, per namespace: an object, once created, is never removed, so a yes is kept. */
const known = new WeakMap<object, Set<string>>();
const KNOWN_MAX = 10_000;

/** What the Worker asks before a read contacts an object (see the module comment). */
export class Directory {
  constructor(private readonly namespace: DirectoryNamespace) {}

  #stub(): DirectoryStub {
    return this.namespace.get(this.namespace.idFromName(DIRECTORY_OBJECT));
  }

  async has(kind: ObjectKind, name: string): Promise<boolean> {
    let names = known.get(this.namespace);
    if (!names) known.set(this.namespace, (names = new Set()));
    const entry = `${kind}:${name}`;
    if (names.has(entry)) return true;
    const found = await this.#stub().hasObject(kind, name);
    if (found) {
      if (names.size >= KNOWN_MAX) names.clear();
      names.add(entry);
    }
    return found;
  }

  /** Throws 404 `not_found` with `detail` unless the object exists. */
  async require(kind: ObjectKind, name: string, detail: string): Promise<void> {
    if (!(await this.has(kind, name))) throw new AppError("not_found", detail);
  }

  under(kind: ObjectKind, prefix: string): Promise<string[]> {
    return this.#stub().objectsUnder(kind, prefix);
  }

  note(kind: ObjectKind, name: string): Promise<void> {
    return this.#stub().noteObject(kind, name);
  }
}

const ANNOUNCED = "dc:announced";

/**
 * Notes the object in the directory once in its life. Call it under `blockConcurrencyWhile`
 * before the object serves anything, so whatever it stores is findable by the reads that follow.
 */
export async function announce(storage: DurableObjectStorage, namespace: DirectoryNamespace, kind: ObjectKind, name: string | undefined): Promise<void> {
  if (name === undefined || name === DIRECTORY_OBJECT) return;
  if ((await storage.get<boolean>(ANNOUNCED)) === true) return;
  await new Directory(namespace).note(kind, name);
  await storage.put(ANNOUNCED, true);
}

import type { DeployDiff, DeployManifest, FieldMetadata, ObjectChange, ObjectMetadata } from "../spec/index.ts";

/** The metadata a deploy compares: objects plus the other kinds, keyed `kind:name`. */
export interface MetadataSet {
  readonly objects: readonly ObjectMetadata[];
  readonly others: ReadonlyMap<string, string>;
}

const FIELD_ATTRIBUTES = ["label", "type", "required", "unique", "maxLength", "default", "indexed", "options", "reference"] as const satisfies readonly (keyof FieldMetadata)[];

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The non-object metadata of a manifest, `kind:name` → its JSON. */
export function othersOf(manifest: Pick<DeployManifest, "views" | "flows" | "permissions">): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of manifest.views) out.set(`view:${v.name}`, JSON.stringify(v));
  for (const f of manifest.flows) out.set(`flow:${f.name}`, JSON.stringify(f));
  for (const p of manifest.permissions) out.set(`permission:${p.name}`, JSON.stringify(p));
  return out;
}

/** Attributes of a field that differ. */
export function fieldChanges(before: FieldMetadata, after: FieldMetadata): string[] {
  return FIELD_ATTRIBUTES.filter((attr) => !same(before[attr], after[attr]));
}

function objectChange(before: ObjectMetadata, after: ObjectMetadata): ObjectChange | null {
  const old = new Map(before.fields.map((f) => [f.name, f]));
  const now = new Map(after.fields.map((f) => [f.name, f]));
  const change: ObjectChange = {
    name: after.name,
    labelChanged: before.label !== after.label,
    fieldsAdded: after.fields.filter((f) => !old.has(f.name)),
    fieldsRemoved: before.fields.filter((f) => !now.has(f.name)),
    fieldsModified: after.fields.flatMap((f) => {
      const b = old.get(f.name);
      const changes = b ? fieldChanges(b, f) : [];
      return b && changes.length > 0 ? [{ name: f.name, changes, before: b, after: f }] : [];
    }),
  };
  const changed = change.labelChanged || change.fieldsAdded.length + change.fieldsRemoved.length + change.fieldsModified.length > 0;
  return changed ? change : null;
}

/** Everything that differs between the deployed metadata and the next. Field order is not a change. */
export function diffMetadata(current: MetadataSet, next: MetadataSet): DeployDiff {
  const old = new Map(current.objects.map((o) => [o.name, o]));
  const now = new Map(next.objects.map((o) => [o.name, o]));
  const objectsModified = next.objects.flatMap((o) => {
    const b = old.get(o.name);
    const change = b ? objectChange(b, o) : null;
    return change ? [change] : [];
  });
  const otherChanged = [...new Set([...current.others.keys(), ...next.others.keys()])].filter((k) => current.others.get(k) !== next.others.get(k)).sort();
  const diff = {
    objectsAdded: next.objects.filter((o) => !old.has(o.name)),
    objectsModified,
    objectsRemoved: current.objects.filter((o) => !now.has(o.name)),
    otherChanged,
  };
  return { ...diff, empty: diff.objectsAdded.length + diff.objectsModified.length + diff.objectsRemoved.length + otherChanged.length === 0 };
}

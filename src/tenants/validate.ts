import type { DeployIssue, DeployManifest, DeployValidationResult, ObjectMetadata } from "../spec/index.ts";
import { manifestChecksum } from "./checksum.ts";
import { SYSTEM_COLUMNS } from "./ddl.ts";
import { fieldValueSchema } from "./record-schema.ts";

/** Where the objects come from: the tenant's own bundle, or an app (whose names carry `<app>__`). */
export interface ValidationContext {
  /** `tenant`, or the app's name. */
  readonly owner: string;
  /** Objects of other owners that stay deployed (references may point to them; names may not clash). */
  readonly otherObjects: readonly ObjectMetadata[];
  /** The manifest as posted, before defaults, for the checksum. */
  readonly raw?: unknown;
}

const RESERVED_FIELDS: ReadonlySet<string> = new Set(SYSTEM_COLUMNS);

function validateObject(o: ObjectMetadata, i: number, ctx: ValidationContext, known: ReadonlySet<string>, issue: (path: string, code: string, message: string) => void): void {
  const p = `objects.${i}`;
  if (ctx.owner === "tenant" ? o.name.includes("__") : !o.name.startsWith(`${ctx.owner}__`)) issue(`${p}.name`, "reserved_name", ctx.owner === "tenant" ? "'__' is reserved for app namespaces" : `app objects are named ${ctx.owner}__<object>`);
  if (ctx.otherObjects.some((x) => x.name === o.name)) issue(`${p}.name`, "duplicate_object", `object '${o.name}' belongs to another owner`);
  const seen = new Set<string>();
  o.fields.forEach((f, j) => {
    const fp = `${p}.fields.${j}`;
    if (seen.has(f.name)) issue(`${fp}.name`, "duplicate_field", `field '${f.name}' appears twice`);
    seen.add(f.name);
    if (RESERVED_FIELDS.has(f.name)) issue(`${fp}.name`, "reserved_name", `'${f.name}' is a system column`);
    if (f.type === "select" && !f.options) issue(`${fp}.options`, "missing_options", "a select field needs options");
    if (f.type !== "select" && f.options) issue(`${fp}.options`, "unexpected_options", "options belong to select fields");
    if (f.options && new Set(f.options).size !== f.options.length) issue(`${fp}.options`, "duplicate_option", "options must be distinct");
    if (f.type === "reference" && !f.reference) issue(`${fp}.reference`, "missing_reference", "a reference field names its object");
    if (f.type !== "reference" && f.reference) issue(`${fp}.reference`, "unexpected_reference", "reference belongs to reference fields");
    if (f.reference && !known.has(f.reference)) issue(`${fp}.reference`, "unknown_reference", `no object '${f.reference}'`);
    if (f.maxLength !== undefined && f.type !== "text" && f.type !== "long_text") issue(`${fp}.maxLength`, "unexpected_max_length", "maxLength belongs to text fields");
    if (f.unique && f.type === "json") issue(`${fp}.unique`, "unsupported", "a json field cannot be unique");
    if (f.default !== undefined && f.default !== null && !fieldValueSchema(f).safeParse(f.default).success) issue(`${fp}.default`, "invalid_default", `the default is not a valid ${f.type}`);
  });
}

/**
 * Validates a manifest beyond its schema: checksum, unique and reserved names, references between
 * objects (within the bundle or to other owners' objects), field attribute combinations,
 * defaults of the right type, and what views and permissions refer to.
 */
export function validateManifest(manifest: DeployManifest, ctx: ValidationContext): DeployValidationResult {
  const errors: DeployIssue[] = [];
  const warnings: DeployIssue[] = [];
  const issue = (path: string, code: string, message: string) => errors.push({ path, code, message });
  if (manifest.checksum !== undefined && manifest.checksum !== manifestChecksum((ctx.raw ?? manifest) as Record<string, unknown>)) issue("checksum", "checksum_mismatch", "the checksum does not match the metadata");
  const all = new Map<string, ObjectMetadata>([...ctx.otherObjects, ...manifest.objects].map((o) => [o.name, o]));
  const known = new Set(all.keys());
  const names = new Set<string>();
  manifest.objects.forEach((o, i) => {
    if (names.has(o.name)) issue(`objects.${i}.name`, "duplicate_object", `object '${o.name}' appears twice`);
    names.add(o.name);
    validateObject(o, i, ctx, known, issue);
  });
  const fieldsOf = (object: string) => new Set(all.get(object)?.fields.map((f) => f.name) ?? []);
  manifest.views.forEach((v, i) => {
    if (!known.has(v.object)) issue(`views.${i}.object`, "unknown_reference", `no object '${v.object}'`);
    else v.columns.forEach((c, j) => { if (!fieldsOf(v.object).has(c) && !RESERVED_FIELDS.has(c)) issue(`views.${i}.columns.${j}`, "unknown_field", `no field '${c}' on '${v.object}'`); });
  });
  manifest.flows.forEach((f, i) => { if (f.object && !known.has(f.object)) issue(`flows.${i}.object`, "unknown_reference", `no object '${f.object}'`); });
  manifest.permissions.forEach((p, i) => { if (!known.has(p.object)) issue(`permissions.${i}.object`, "unknown_reference", `no object '${p.object}'`); });
  for (const kind of ["views", "flows", "permissions"] as const) {
    const seen = new Set<string>();
    manifest[kind].forEach((x, i) => { if (seen.has(x.name)) issue(`${kind}.${i}.name`, "duplicate_name", `'${x.name}' appears twice`); seen.add(x.name); });
  }
  if (manifest.objects.length === 0) warnings.push({ path: "objects", code: "empty", message: "the bundle deploys no objects" });
  return { valid: errors.length === 0, errors, warnings };
}

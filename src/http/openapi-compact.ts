/**
 * Shares the parts an OpenAPI document repeats. The routes describe their schemas inline (every
 * error response carries the whole problem schema, every tenant route the bundle's), which made the
 * document about 1 MB; here each schema, parameter and response that appears more than once, where
 * one component and a `$ref` per use are shorter than the copies, moves to `components` under a
 * short name (openapi-names.ts). Meaning is unchanged: a shared part is the very JSON it replaces,
 * and the only edits are dropping what a parameter says twice (see {@link tidyParameter}). The
 * document stays valid OpenAPI 3.1.
 */

import { ComponentNames } from "./openapi-names.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The length a component name is assumed to have when weighing a `$ref` against the copies (most are shorter). */
const NAME_BYTES = 16;

/** Whether `count` copies of a `bytes`-long value cost more than one component plus `count` refs (`{"$ref":"#/components/<kind>/<name>"}`). */
function worthSharing(bytes: number, count: number, kind: string): boolean {
  const ref = `{"$ref":"#/components/${kind}/"}`.length + NAME_BYTES;
  return count >= 2 && count * bytes > bytes + NAME_BYTES + 3 + count * ref;
}

/** Keys under which a schema object holds schemas. */
const SUBSCHEMA_MAPS = ["properties", "patternProperties", "$defs"];
const SUBSCHEMA_LISTS = ["anyOf", "oneOf", "allOf", "prefixItems"];
const SUBSCHEMA_ONES = ["items", "additionalProperties", "not", "contains", "propertyNames"];

const isObject = (v: Json | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Calls `visit` on every schema position below `schema` (itself included); `visit` may replace it. */
function mapSchema(schema: Json, visit: (s: JsonObject) => Json): Json {
  if (!isObject(schema)) return schema;
  const replaced = visit(schema);
  if (replaced !== schema) return replaced;
  const out: JsonObject = { ...schema };
  for (const key of SUBSCHEMA_ONES) if (key in out) out[key] = mapSchema(out[key] ?? null, visit);
  for (const key of SUBSCHEMA_LISTS) {
    const list = out[key];
    if (Array.isArray(list)) out[key] = list.map((s) => mapSchema(s, visit));
  }
  for (const key of SUBSCHEMA_MAPS) {
    const map = out[key];
    if (isObject(map)) out[key] = Object.fromEntries(Object.entries(map).map(([k, s]) => [k, mapSchema(s, visit)]));
  }
  return out;
}

/** Calls `onSchema` on the root schema of every parameter, request body and response in the paths; its result replaces it. */
function mapPathSchemas(paths: JsonObject, onSchema: (schema: Json) => Json): JsonObject {
  const withSchema = (holder: Json): Json => (isObject(holder) && "schema" in holder ? { ...holder, schema: onSchema(holder.schema ?? null) } : holder);
  const content = (holder: Json): Json => (isObject(holder) && isObject(holder.content) ? { ...holder, content: Object.fromEntries(Object.entries(holder.content).map(([type, media]) => [type, withSchema(media)])) } : holder);
  return mapOperations(paths, (op) => {
    const next: JsonObject = { ...op };
    if (Array.isArray(op.parameters)) next.parameters = op.parameters.map(withSchema);
    if (op.requestBody !== undefined) next.requestBody = content(op.requestBody);
    if (isObject(op.responses)) next.responses = Object.fromEntries(Object.entries(op.responses).map(([code, r]) => [code, content(r)]));
    return next;
  });
}

/** Every operation of every path item, replaced by `map`'s result. */
function mapOperations(paths: JsonObject, map: (op: JsonObject) => JsonObject): JsonObject {
  const item = (value: Json): Json => (isObject(value) ? Object.fromEntries(Object.entries(value).map(([method, op]) => [method, isObject(op) ? map(op) : op])) : value);
  return Object.fromEntries(Object.entries(paths).map(([path, value]) => [path, item(value)]));
}

/**
 * A parameter without what its context already says: `required: false` (the default) and a schema
 * description that repeats the parameter's own.
 */
function tidyParameter(parameter: Json): Json {
  if (!isObject(parameter)) return parameter;
  const { required, ...out } = parameter;
  if (required !== undefined && required !== false) out.required = required;
  const schema = out.schema;
  if (isObject(schema) && schema.description === out.description) {
    const { description: _, ...rest } = schema;
    out.schema = rest;
  }
  return out;
}

/** The document with its repeated schemas, parameters and responses shared as components (see the module comment). */
export function compactDocument<D extends object>(document: D): D {
  const doc = JSON.parse(JSON.stringify(document)) as JsonObject;
  if (!isObject(doc.paths)) return document;
  doc.paths = mapOperations(doc.paths, (op) => (Array.isArray(op.parameters) ? { ...op, parameters: op.parameters.map(tidyParameter) } : op));
  const seen = new Map<string, number>();
  const count = (schema: Json) =>
    mapSchema(schema, (s) => {
      const text = JSON.stringify(s);
      seen.set(text, (seen.get(text) ?? 0) + 1);
      return s;
    });
  mapPathSchemas(doc.paths, count);
  const components = isObject(doc.components) ? doc.components : {};
  const schemas: JsonObject = isObject(components.schemas) ? { ...components.schemas } : {};
  const names = new ComponentNames(Object.keys(schemas));
  const refs = new Map<string, string>();
  const share = (schema: Json): Json =>
    mapSchema(schema, (s) => {
      const text = JSON.stringify(s);
      if (!worthSharing(text.length, seen.get(text) ?? 0, "schemas")) return s;
      let name = refs.get(text);
      if (name === undefined) {
        name = names.schema(s);
        refs.set(text, name);
        schemas[name] = shareChildren(s); // its children are strictly smaller: a schema never refers to itself
      }
      return { $ref: `#/components/schemas/${name}` };
    });
  /** Shares inside a component's own body (its root stays, its children may become refs). */
  const shareChildren = (body: JsonObject): Json => {
    let root = true;
    return mapSchema(body, (s) => {
      if (root) {
        root = false;
        return s;
      }
      return share(s);
    });
  };
  doc.paths = mapPathSchemas(doc.paths, share);
  const shared = shareRepeated(doc.paths, components);
  doc.paths = shared.paths;
  doc.components = { ...components, ...shared.components, schemas };
  return inlineSingleUses(doc, new Set(refs.values()));
}

const SCHEMA_REF = "#/components/schemas/";

/**
 * The document with every schema this pass shared but that ended up used once put back inline: a
 * schema inside a shared one was counted once per copy of its parent, and the parent is now one component.
 */
function inlineSingleUses<D>(doc: JsonObject, created: Set<string>): D {
  const uses = new Map<string, number>();
  for (const [, name = ""] of JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) uses.set(name, (uses.get(name) ?? 0) + 1);
  const single = new Set([...created].filter((name) => uses.get(name) === 1));
  const components = isObject(doc.components) ? doc.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  const inline = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(inline);
    if (!isObject(v)) return v;
    const name = typeof v.$ref === "string" && v.$ref.startsWith(SCHEMA_REF) ? v.$ref.slice(SCHEMA_REF.length) : "";
    if (single.has(name)) return inline(schemas[name] ?? null);
    return Object.fromEntries(Object.entries(v).map(([key, value]) => [key, inline(value)]));
  };
  const out = inline(doc) as JsonObject;
  const outSchemas = isObject(out.components) && isObject(out.components.schemas) ? out.components.schemas : {};
  for (const name of single) delete outSchemas[name];
  return out as D;
}

/** Parameters and responses that several operations repeat word for word become `components.parameters` and `components.responses`. */
function shareRepeated(paths: JsonObject, components: JsonObject): { paths: JsonObject; components: JsonObject } {
  const ops = Object.values(paths).flatMap((item) => (isObject(item) ? Object.values(item).filter(isObject) : []));
  const tally = new Map<string, number>();
  const bump = (v: Json) => {
    const text = JSON.stringify(v);
    tally.set(text, (tally.get(text) ?? 0) + 1);
  };
  for (const op of ops) {
    if (Array.isArray(op.parameters)) op.parameters.forEach(bump);
    if (isObject(op.responses)) Object.values(op.responses).forEach(bump);
  }
  const parameters: JsonObject = isObject(components.parameters) ? { ...components.parameters } : {};
  const responses: JsonObject = isObject(components.responses) ? { ...components.responses } : {};
  const shared = new Map<string, string>();
  const parameterNames = new ComponentNames(Object.keys(parameters));
  const responseNames = new ComponentNames(Object.keys(responses));
  /** `v` as a `$ref` to a component of `kind` when sharing it is worth it; `status` is a response's. */
  const refer = (v: Json, kind: "parameters" | "responses", status = ""): Json => {
    const text = JSON.stringify(v);
    if (!isObject(v) || "$ref" in v || !worthSharing(text.length, tally.get(text) ?? 0, kind)) return v;
    const key = `${kind} ${text}`;
    let name = shared.get(key);
    if (name === undefined) {
      name = kind === "parameters" ? parameterNames.parameter(v) : responseNames.response(v, status);
      shared.set(key, name);
      (kind === "parameters" ? parameters : responses)[name] = v;
    }
    return { $ref: `#/components/${kind}/${name}` };
  };
  const next = mapOperations(paths, (op) => {
    const out: JsonObject = { ...op };
    if (Array.isArray(op.parameters)) out.parameters = op.parameters.map((p) => refer(p, "parameters"));
    if (isObject(op.responses)) out.responses = Object.fromEntries(Object.entries(op.responses).map(([code, r]) => [code, refer(r, "responses", code)]));
    return out;
  });
  return { paths: next, components: { parameters, responses } };
}

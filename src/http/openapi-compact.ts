/**
 * Shares the schemas an OpenAPI document repeats. The routes describe their schemas inline (every
 * error response carries the whole problem schema, every tenant route the bundle's), which made the
 * document about 1 MB; here each schema that appears more than once and is not tiny moves to
 * `components.schemas` and every use becomes a `$ref`. The document stays valid OpenAPI 3.1.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Schemas shorter than this (serialized) stay inline: a `$ref` would save nothing. */
const MIN_SHARED_BYTES = 160;

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

/** A component name from the schema's description (else "Schema"), unique in `taken`. */
function nameFor(schema: JsonObject, taken: Set<string>): string {
  const words = (typeof schema.description === "string" ? schema.description : "Schema").replace(/\(.*?\)|[^A-Za-z0-9 ]/g, " ").split(/\s+/).filter(Boolean).slice(0, 5);
  const base = words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join("") || "Schema";
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
  taken.add(name);
  return name;
}

/** The document with its repeated schemas shared as components (see the module comment). */
export function compactDocument<D extends object>(document: D): D {
  const doc = JSON.parse(JSON.stringify(document)) as JsonObject;
  if (!isObject(doc.paths)) return document;
  const seen = new Map<string, number>();
  const count = (schema: Json) =>
    mapSchema(schema, (s) => {
      const text = JSON.stringify(s);
      if (text.length >= MIN_SHARED_BYTES) seen.set(text, (seen.get(text) ?? 0) + 1);
      return s;
    });
  mapPathSchemas(doc.paths, count);
  const components = isObject(doc.components) ? doc.components : {};
  const schemas: JsonObject = isObject(components.schemas) ? { ...components.schemas } : {};
  const taken = new Set(Object.keys(schemas));
  const refs = new Map<string, string>();
  const share = (schema: Json): Json =>
    mapSchema(schema, (s) => {
      const text = JSON.stringify(s);
      if ((seen.get(text) ?? 0) < 2) return s;
      let name = refs.get(text);
      if (name === undefined) {
        name = nameFor(s, taken);
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
  return doc as D;
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
  const names = new Map<string, string>();
  const taken = new Set([...Object.keys(parameters), ...Object.keys(responses)]);
  const refer = (v: Json, kind: "parameters" | "responses", store: JsonObject): Json => {
    const text = JSON.stringify(v);
    if (!isObject(v) || text.length < MIN_SHARED_BYTES || (tally.get(text) ?? 0) < 2) return v;
    let name = names.get(text);
    if (name === undefined) {
      name = kind === "parameters" ? nameFor({ description: `${JSON.stringify(v.in)} ${JSON.stringify(v.name)}` }, taken) : nameFor(v, taken);
      names.set(text, name);
      store[name] = v;
    }
    return { $ref: `#/components/${kind}/${name}` };
  };
  const next = mapOperations(paths, (op) => {
    const out: JsonObject = { ...op };
    if (Array.isArray(op.parameters)) out.parameters = op.parameters.map((p) => refer(p, "parameters", parameters));
    if (isObject(op.responses)) out.responses = Object.fromEntries(Object.entries(op.responses).map(([code, r]) => [code, refer(r, "responses", responses)]));
    return out;
  });
  return { paths: next, components: { parameters, responses } };
}

import { z } from "zod";
import type { FieldMetadata, ObjectMetadata } from "../spec/index.ts";

/** The zod schema of one field's value (not yet optional or nullable). */
export function fieldValueSchema(field: FieldMetadata): z.ZodType {
  switch (field.type) {
    case "text":
    case "long_text":
      return field.maxLength === undefined ? z.string() : z.string().max(field.maxLength);
    case "integer":
      return z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
    case "number":
      return z.number();
    case "boolean":
      return z.boolean();
    case "date":
      return z.iso.date();
    case "datetime":
      return z.iso.datetime({ offset: true });
    case "select":
      return z.enum((field.options ?? [""]) as [string, ...string[]]);
    case "reference":
      return z.string().min(1).max(64);
    case "json":
      return z.json();
  }
}

const hasDefault = (f: FieldMetadata): boolean => f.default !== undefined && f.default !== null;

/**
 * The input schema of a record, derived from the deployed fields: strict (unknown keys fail),
 * required fields without a default must be present and non-null; everything else is optional
 * and nullable. `partial` (PATCH) makes every field optional, never null when required.
 */
export function recordInputSchema(object: ObjectMetadata, partial = false): z.ZodType<Record<string, unknown>> {
  let memo = built.get(object);
  if (!memo) built.set(object, (memo = {}));
  return (memo[partial ? "partial" : "full"] ??= buildInputSchema(object, partial));
}

/** Schemas built per object (see `MetadataStore.object`: one object per stored definition). */
const built = new WeakMap<ObjectMetadata, { full?: z.ZodType<Record<string, unknown>>; partial?: z.ZodType<Record<string, unknown>> }>();

function buildInputSchema(object: ObjectMetadata, partial: boolean): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const f of object.fields) {
    const value = fieldValueSchema(f);
    shape[f.name] = f.required ? (partial || hasDefault(f) ? value.optional() : value) : value.nullable().optional();
  }
  return z.strictObject(shape);
}

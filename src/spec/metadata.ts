import { z } from "zod";

/**
 * Object metadata of a tenant (seed 002): objects with typed fields, plus views, flows and
 * permissions. Machine names are snake_case; they become SQLite identifiers only after this
 * schema accepted them, and only ever from registered metadata.
 */

/** A machine name: snake_case, a letter first, 1–63 characters. `__` is reserved for app namespaces. */
export const MachineNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "snake_case: a lower-case letter, then lower-case letters, digits or '_', at most 63").describe("Machine name (snake_case)");
export type MachineName = z.infer<typeof MachineNameSchema>;

/** The field types and their SQLite storage. */
export const FieldTypeSchema = z.enum(["text", "long_text", "integer", "number", "boolean", "date", "datetime", "select", "reference", "json"]).describe("Field type");
export type FieldType = z.infer<typeof FieldTypeSchema>;

/** A default value: a JSON scalar (or any JSON for `json` fields), checked against the field type at validation. */
export const FieldDefaultSchema = z.union([z.string(), z.number(), z.boolean(), z.null(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).describe("Default value, of the field's type");

/** One field of an object. */
export const FieldMetadataSchema = z
  .object({
    name: MachineNameSchema,
    label: z.string().min(1).max(200).optional().describe("Human label"),
    type: FieldTypeSchema,
    required: z.boolean().default(false).describe("NOT NULL: every record has a value (default false)"),
    unique: z.boolean().default(false).describe("No two records share a value: a unique index (default false)"),
    maxLength: z.number().int().min(1).max(1_000_000).optional().describe("Maximum characters (text and long_text)"),
    default: FieldDefaultSchema.optional(),
    indexed: z.boolean().default(false).describe("An index on this field (default false)"),
    options: z.array(z.string().min(1).max(200)).min(1).max(500).optional().describe("The allowed values of a select field"),
    reference: MachineNameSchema.optional().describe("The object a reference field points to (records hold its record id)"),
  })
  .strict()
  .describe("Field metadata");
export type FieldMetadata = z.infer<typeof FieldMetadataSchema>;
export type FieldMetadataInput = z.input<typeof FieldMetadataSchema>;

/** One object: becomes one SQLite table of the tenant's database. */
/** Fields per object: a Durable Object's SQLite allows 100 columns per table; `id`, `created_at` and `updated_at` take 3. */
export const MAX_OBJECT_FIELDS = 97;

export const ObjectMetadataSchema = z
  .object({
    name: MachineNameSchema,
    label: z.string().min(1).max(200).describe("Human label"),
    fields: z.array(FieldMetadataSchema).max(MAX_OBJECT_FIELDS).describe("Fields (at most 97: a Durable Object's SQLite table holds 100 columns, 3 are the system's)"),
  })
  .strict()
  .describe("Object metadata");
export type ObjectMetadata = z.infer<typeof ObjectMetadataSchema>;
export type ObjectMetadataInput = z.input<typeof ObjectMetadataSchema>;

/** A list view over an object. */
export const ViewMetadataSchema = z
  .object({
    name: MachineNameSchema,
    object: MachineNameSchema.describe("The object viewed"),
    label: z.string().max(200).optional().describe("Human label"),
    columns: z.array(MachineNameSchema).max(200).default([]).describe("Fields shown, in order"),
  })
  .strict()
  .describe("View metadata");
export type ViewMetadata = z.infer<typeof ViewMetadataSchema>;

/** A flow: automation triggered on an object's records (registered, not run, by this platform). */
export const FlowMetadataSchema = z
  .object({
    name: MachineNameSchema,
    object: MachineNameSchema.optional().describe("The object whose records trigger it"),
    trigger: z.enum(["record_created", "record_updated", "record_deleted", "manual"]).describe("What starts the flow"),
    label: z.string().max(200).optional().describe("Human label"),
  })
  .strict()
  .describe("Flow metadata");
export type FlowMetadata = z.infer<typeof FlowMetadataSchema>;

/** A permission: which actions a role has on an object. */
export const PermissionMetadataSchema = z
  .object({
    name: MachineNameSchema,
    object: MachineNameSchema.describe("The object"),
    role: MachineNameSchema.describe("The role granted"),
    actions: z.array(z.enum(["read", "create", "update", "delete"])).min(1).describe("Actions granted"),
  })
  .strict()
  .describe("Permission metadata");
export type PermissionMetadata = z.infer<typeof PermissionMetadataSchema>;

/** SQLite storage of each field type (`SQLiteDataTypeMappingDefaults`): TEXT, INTEGER, REAL or BLOB, and the CHECK it carries. */
export const SQLITE_TYPE_MAPPING = {
  text: { sqlite: "TEXT", check: "length ≤ maxLength when set" },
  long_text: { sqlite: "TEXT", check: "length ≤ maxLength when set" },
  integer: { sqlite: "INTEGER", check: "typeof = integer" },
  number: { sqlite: "REAL", check: "typeof in (integer, real)" },
  boolean: { sqlite: "INTEGER", check: "0 or 1" },
  date: { sqlite: "TEXT", check: "ISO date YYYY-MM-DD (validated on write)" },
  datetime: { sqlite: "TEXT", check: "ISO 8601 date-time (validated on write)" },
  select: { sqlite: "TEXT", check: "one of options" },
  reference: { sqlite: "TEXT", check: "a record id of the referenced object (checked on write)" },
  json: { sqlite: "TEXT", check: "json_valid" },
} as const satisfies Record<FieldType, { sqlite: "TEXT" | "INTEGER" | "REAL" | "BLOB"; check: string }>;

/** `SQLiteAlterTableLimitations`: what ALTER TABLE cannot do, and the strategy the planner uses instead. */
export const SQLITE_ALTER_TABLE_LIMITATIONS = {
  modifyColumn: "not supported: a type, required, maxLength, default or options change rebuilds the table (CREATE new, INSERT … SELECT, DROP old, RENAME, re-create indexes)",
  addColumnNotNull: "ADD COLUMN … NOT NULL needs a DEFAULT: a required field without a default rebuilds the table (and fails on existing rows)",
  addColumnUnique: "ADD COLUMN cannot be UNIQUE: uniqueness is a separate unique index",
  dropColumn: "DROP COLUMN (SQLite ≥ 3.35) after dropping the column's indexes",
  renameColumn: "not used: a rename is a removal plus an addition",
} as const;

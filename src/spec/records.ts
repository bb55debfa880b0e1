import { z } from "zod";

/** The records API over a tenant's deployed objects. */

export const FilterOperatorSchema = z.enum(["eq", "ne", "lt", "gt", "in", "contains"]).describe("Filter operator");
export type FilterOperator = z.infer<typeof FilterOperatorSchema>;

/** One filter: `?<field>[<op>]=<value>` (`in`: comma-separated values). */
export const RecordFilterSchema = z.object({ field: z.string().describe("Field name"), op: FilterOperatorSchema, value: z.string().describe("Raw value, coerced to the field type") }).describe("A filter");
export type RecordFilter = z.infer<typeof RecordFilterSchema>;

export const RecordQuerySchema = z
  .object({
    filters: z.array(RecordFilterSchema).max(20).describe("All must match"),
    sort: z.string().optional().describe("Field to sort by, '-' prefix for descending (default id: creation order)"),
    cursor: z.string().optional().describe("nextCursor of the previous page"),
    limit: z.number().int().min(1).max(200).default(50).describe("Page size, 1–200 (default 50)"),
  })
  .describe("A record query");
export type RecordQuery = z.infer<typeof RecordQuerySchema>;

/** A record: `id`, `createdAt`, `updatedAt` and the object's fields. */
export const TenantRecordSchema = z.object({ id: z.string().describe("Record id (rec_…)"), createdAt: z.string().describe("ISO time"), updatedAt: z.string().describe("ISO time") }).catchall(z.unknown()).describe("A record");
export type TenantRecord = z.infer<typeof TenantRecordSchema>;

export const RecordPageSchema = z.object({ items: z.array(TenantRecordSchema), nextCursor: z.string().nullable().describe("Pass as cursor for the next page") }).describe("Records");
export type RecordPage = z.infer<typeof RecordPageSchema>;

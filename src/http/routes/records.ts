import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { unwrap } from "../../shards/delivery.ts";
import { RecordPageSchema, TenantRecordSchema } from "../../spec/index.ts";
import { parseRecordQuery } from "../../tenants/record-query.ts";
import type { AppEnv } from "../env.ts";
import { readInput } from "./entity-input.ts";
import { body, errors, json, param, problem, recordsTenant, TenantParam, tenantRoute } from "./tenant-kit.ts";

const P = "/v1/tenants/{tenant}/objects/{object}/records";
const ObjectParam = TenantParam.extend({ object: z.string().describe("Object name (as deployed)") });
const RecordParam = ObjectParam.extend({ recordId: z.string().describe("Record id") });
const Input = z.record(z.string(), z.unknown()).describe("Field values, validated against the deployed fields");
const ListQuery = z.object({
  sort: z.string().optional().describe("A field, '-' first for descending (default: creation order)"),
  cursor: z.string().optional().describe("nextCursor of the previous page"),
  limit: z.string().optional().describe("1–200 (default 50)"),
}).catchall(z.string()).describe("Filters: <field>[eq|ne|lt|gt|in|contains]=<value> (in: comma-separated)");
const constraint = { 409: problem("A unique field already has this value, or the record is still referenced"), 422: problem("A reference to a record that does not exist") };
const base = tenantRoute("records");

const routes = {
  create: createRoute({ ...base, method: "post", path: P, summary: "Create a record", request: { params: ObjectParam, ...body(Input) }, responses: { 201: json("Created", TenantRecordSchema), ...constraint, ...errors } }),
  list: createRoute({ ...base, method: "get", path: P, summary: "List records with filters, sort and a cursor", request: { params: ObjectParam, query: ListQuery }, responses: { 200: json("A page", RecordPageSchema), ...errors } }),
  get: createRoute({ ...base, method: "get", path: `${P}/{recordId}`, summary: "A record", request: { params: RecordParam }, responses: { 200: json("The record", TenantRecordSchema), ...errors } }),
  update: createRoute({ ...base, method: "patch", path: `${P}/{recordId}`, summary: "Change some fields (null clears an optional field)", request: { params: RecordParam, ...body(Input) }, responses: { 200: json("The record", TenantRecordSchema), ...constraint, ...errors } }),
  remove: createRoute({ ...base, method: "delete", path: `${P}/{recordId}`, summary: "Delete a record", request: { params: RecordParam }, responses: { 204: { description: "Deleted" }, ...constraint, ...errors } }),
};

/** The typed records API over a tenant's deployed objects. */
export function registerRecordRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.create, async (c) => {
    const t = await recordsTenant(c);
    const input = await readInput(c);
    return c.json(unwrap(await t.stub.createRecord(t.id, param(c, "object"), input, t.key)), 201);
  });
  app.openapi(routes.list, async (c) => {
    const t = await recordsTenant(c);
    const query = parseRecordQuery(new URL(c.req.url).searchParams);
    return c.json(unwrap(await t.stub.listRecords(t.id, param(c, "object"), query, t.key)), 200);
  });
  app.openapi(routes.get, async (c) => {
    const t = await recordsTenant(c);
    return c.json(unwrap(await t.stub.getRecord(t.id, param(c, "object"), param(c, "recordId"), t.key)), 200);
  });
  app.openapi(routes.update, async (c) => {
    const t = await recordsTenant(c);
    const input = await readInput(c);
    return c.json(unwrap(await t.stub.updateRecord(t.id, param(c, "object"), param(c, "recordId"), input, t.key)), 200);
  });
  app.openapi(routes.remove, async (c) => {
    const t = await recordsTenant(c);
    unwrap(await t.stub.deleteRecord(t.id, param(c, "object"), param(c, "recordId"), t.key));
    return c.body(null, 204);
  });
}

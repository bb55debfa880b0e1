import { describe, expect, it } from "vitest";
import { bundle, call, deploy, jsonOf, register, rows, schemaOf, task } from "./tenant-helpers.ts";

describe("deploy pipeline", () => {
  it("deploys v1 then v2 (add field, add object, change a type with data present: rebuilt, rows and indexes intact)", async () => {
    const { tenant } = await register();
    const v1 = await deploy(tenant.id, bundle([task]));
    expect(v1.status).toBe("ready");
    for (const points of [1, 2, 3]) expect((await call("POST", `/v1/tenants/${tenant.id}/objects/task/records`, { title: `t${points}`, points })).status).toBe(201);
    const v2Task = { ...task, fields: [...task.fields.filter((f) => f.name !== "points"), { name: "points", type: "number" as const, indexed: true }, { name: "notes", type: "long_text" as const }] };
    const v2 = await deploy(tenant.id, { manifest: { version: "2", objects: [v2Task, { name: "project", label: "Project", fields: [{ name: "name", type: "text", unique: true }] }] } });
    expect(v2.status).toBe("ready");
    expect(v2.plan?.statements.some((s) => s.sql.startsWith('INSERT INTO "o_task__rebuild"'))).toBe(true);
    expect(v2.plan?.statements.some((s) => s.destructive)).toBe(false);
    const data = await rows<{ title: string; points: number }>(tenant.id, 'SELECT title, points FROM o_task ORDER BY title');
    expect(data).toEqual([{ title: "t1", points: 1 }, { title: "t2", points: 2 }, { title: "t3", points: 3 }]);
    const schema = await schemaOf(tenant.id);
    expect(schema.map((s) => s.name)).toEqual(["ix_task__points", "o_project", "o_task", "ux_project__name"]);
    expect(schema.find((s) => s.name === "o_task")?.sql).toContain('"points" REAL');
  });

  it("treats a re-deploy of the same bundle as a no-op diff", async () => {
    const { tenant } = await register();
    await deploy(tenant.id, bundle([task]));
    const again = await deploy(tenant.id, bundle([task]));
    expect(again.status).toBe("ready");
    expect(again.diff?.empty).toBe(true);
    expect(again.plan?.statements).toEqual([]);
  });

  it("rolls back everything when a statement fails midway: schema and metadata exactly as before", async () => {
    const { tenant } = await register();
    await deploy(tenant.id, bundle([task]));
    expect((await call("POST", `/v1/tenants/${tenant.id}/objects/task/records`, { title: "keep" })).status).toBe(201);
    const before = await schemaOf(tenant.id);
    const meta = await rows(tenant.id, "SELECT * FROM tenant_metadata");
    // A new object first, then a required field without a default: the rebuild's copy fails on the existing row.
    const v2 = bundle([{ name: "alpha", label: "Alpha", fields: [] }, { ...task, fields: [...task.fields, { name: "owner", type: "text", required: true }] }]);
    const failed = await deploy(tenant.id, v2);
    expect(failed.status).toBe("failed");
    expect(failed.error?.code).toBe("migration_failed");
    expect(failed.error?.statement).toContain("INSERT INTO");
    expect(failed.error?.sqliteError).toMatch(/NOT NULL/);
    expect(await schemaOf(tenant.id)).toEqual(before);
    expect(await rows(tenant.id, "SELECT * FROM tenant_metadata")).toEqual(meta);
    expect(await rows(tenant.id, "SELECT title FROM o_task")).toEqual([{ title: "keep" }]);
  });

  it("refuses a destructive change without allowDestructive and applies it with", async () => {
    const { tenant } = await register();
    await deploy(tenant.id, bundle([task, { name: "tag", label: "Tag", fields: [] }]));
    const refused = await deploy(tenant.id, bundle([task]));
    expect(refused.status).toBe("failed");
    expect(refused.error?.code).toBe("destructive_change");
    expect((await schemaOf(tenant.id)).map((s) => s.name)).toContain("o_tag");
    const applied = await deploy(tenant.id, bundle([task], { allowDestructive: true }));
    expect(applied.status).toBe("ready");
    expect((await schemaOf(tenant.id)).map((s) => s.name)).not.toContain("o_tag");
  });

  it("changes nothing on a dry run and returns the validation, diff and plan", async () => {
    const { tenant } = await register();
    const res = await call("POST", `/v1/tenants/${tenant.id}/deployments?dryRun=true`, bundle([task]));
    expect(res.status).toBe(200);
    const dry = await jsonOf<{ dryRun: boolean; validation: { valid: boolean }; plan: { statements: unknown[] } }>(res);
    expect(dry).toMatchObject({ dryRun: true, validation: { valid: true } });
    expect(dry.plan.statements.length).toBeGreaterThan(0);
    expect(await schemaOf(tenant.id)).toEqual([]);
    expect(await rows(tenant.id, "SELECT * FROM tenant_deployments")).toHaveLength(0);
  });

  it("fails validation for bad references, reserved names and a wrong checksum; 400 for a malformed bundle", async () => {
    const { tenant } = await register();
    const bad = await deploy(tenant.id, { manifest: { version: "1", checksum: "0".repeat(64), objects: [{ name: "a__b", label: "x", fields: [{ name: "id", type: "text" }, { name: "r", type: "reference", reference: "nope" }] }] } });
    expect(bad.status).toBe("failed");
    expect(bad.error?.code).toBe("invalid_bundle");
    const res = await call("POST", `/v1/tenants/${tenant.id}/deployments`, { manifest: { version: "1", objects: [{ name: 'x"; DROP TABLE tenant_keys; --', label: "x", fields: [] }] } });
    expect(res.status).toBe(400);
    expect(await rows(tenant.id, "SELECT * FROM tenant_keys")).toHaveLength(1);
  });

  it("installs, lists, upgrades and uninstalls an app through the pipeline", async () => {
    const { tenant } = await register();
    const crm = { name: "crm", version: "1.0.0", objects: [{ name: "lead", label: "Lead", fields: [{ name: "email", type: "text" as const, unique: true }] }] };
    const installed = await jsonOf<{ operation: string; app: { objects: string[] } }>(await call("POST", `/v1/tenants/${tenant.id}/apps`, crm));
    expect(installed).toMatchObject({ operation: "install", app: { objects: ["crm__lead"] } });
    expect((await call("POST", `/v1/tenants/${tenant.id}/objects/crm__lead/records`, { email: "a@b.c" })).status).toBe(201);
    const upgraded = await jsonOf<{ operation: string; deployment: { diff: { objectsModified: unknown[] } } }>(await call("POST", `/v1/tenants/${tenant.id}/apps`, { ...crm, version: "1.1.0", objects: [{ ...crm.objects[0], fields: [...(crm.objects[0]?.fields ?? []), { name: "score", type: "integer" }] }] }));
    expect(upgraded.operation).toBe("upgrade");
    expect(upgraded.deployment.diff.objectsModified).toHaveLength(1);
    const list = await jsonOf<{ items: { name: string; version: string }[] }>(await call("GET", `/v1/tenants/${tenant.id}/apps`));
    expect(list.items).toEqual([expect.objectContaining({ name: "crm", version: "1.1.0" })]);
    expect((await call("DELETE", `/v1/tenants/${tenant.id}/apps/crm`)).status).toBe(400);
    expect((await call("DELETE", `/v1/tenants/${tenant.id}/apps/crm?confirm=true`)).status).toBe(200);
    expect(await schemaOf(tenant.id)).toEqual([]);
  });
});

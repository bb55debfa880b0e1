import { describe, expect, inject, it } from "vitest";

const base = inject("baseUrl");
const adminToken = inject("adminToken");
const call = async (method: string, path: string, body?: unknown, bearer = adminToken): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { "content-type": "application/json" }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
};

describe("tenants under wrangler dev", () => {
  it("registers, deploys, writes and reads records with its key, installs an app, suspends, resumes and destroys", async () => {
    const id = `e2e-${Date.now().toString(36)}`;
    const created = await call("POST", "/v1/tenants", { id, name: "E2E", plan: "free" });
    expect(created.status).toBe(201);
    const key = String(created.body.apiKey);
    const T = `/v1/tenants/${id}`;
    const bundle = { manifest: { version: "1", objects: [{ name: "note", label: "Note", fields: [{ name: "body", type: "text", required: true }, { name: "stars", type: "integer", indexed: true }] }] } };
    const deployed = await call("POST", `${T}/deployments`, bundle, key);
    expect(deployed.status).toBe(202);
    expect((await call("GET", `${T}/deployments/${String(deployed.body.deploymentId)}`, undefined, key)).body.status).toBe("ready");
    expect((await call("POST", `${T}/objects/note/records`, { body: "hello", stars: 5 }, key)).status).toBe(201);
    expect((await call("POST", `${T}/objects/note/records`, { stars: "x" }, key)).status).toBe(400);
    const list = await call("GET", `${T}/objects/note/records?stars[gt]=1`, undefined, key);
    expect(list.body.items).toEqual([expect.objectContaining({ body: "hello", stars: 5 })]);
    const app = await call("POST", `${T}/apps`, { name: "crm", version: "1.0.0", objects: [{ name: "lead", label: "Lead", fields: [{ name: "email", type: "text" }] }] }, key);
    expect(app.body.operation).toBe("install");
    expect((await call("POST", `${T}/suspend`)).status).toBe(200);
    expect((await call("GET", `${T}/objects/note/records`, undefined, key)).status).toBe(423);
    expect((await call("POST", `${T}/resume`)).status).toBe(200);
    expect((await call("GET", `${T}/objects/note/records`, undefined, key)).status).toBe(200);
    expect((await call("DELETE", T)).status).toBe(200);
    expect((await call("GET", T)).status).toBe(404);
  });
});

import { describe, expect, inject, it } from "vitest";

const base = inject("baseUrl");
const adminToken = inject("adminToken");

describe("a real wrangler dev", () => {
  it("is ready: /readyz answers 200 over real HTTP with every check passing", async () => {
    const res = await fetch(`${base}/readyz?verbose`);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(text).toContain("[+]shard-object ok");
    expect(text).toContain("readyz check passed");
  });

  it("serves /openapi.json documenting its routes, and requires the admin token elsewhere", async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/readyz");
    expect((await fetch(`${base}/v1/cluster`)).status).toBe(401);
    const ok = await fetch(`${base}/v1/cluster`, { headers: { Authorization: `Bearer ${adminToken}` } });
    expect(ok.status).toBe(200);
  });

  it("reports health as application/health+json", async () => {
    const res = await fetch(`${base}/health`);
    expect(res.headers.get("content-type")).toBe("application/health+json");
    expect(((await res.json()) as { status: string }).status).toBe("pass");
  });
});

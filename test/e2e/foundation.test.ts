import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, inject, it } from "vitest";

/** The API document's size budget: shared schemas are components, not repeated inline. */
const MAX_DOCUMENT_BYTES = 200 * 1024;

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

  it("serves a valid OpenAPI 3.1 document under 200 KB whose $refs all resolve, and renders it at /docs", async () => {
    const text = await (await fetch(`${base}/openapi.json`)).text();
    console.log(`[report] /openapi.json: ${text.length.toLocaleString("en")} bytes`);
    expect(text.length).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES);
    const result = await new Validator().validate(JSON.parse(text) as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? [], JSON.stringify(result.errors ?? null).slice(0, 2_000)).toEqual([]);
    expect(result.valid).toBe(true);
    const doc = JSON.parse(text) as { components: Record<string, Record<string, unknown>> };
    for (const [, kind = "", name = ""] of text.matchAll(/"\$ref":"#\/components\/(\w+)\/([^"]+)"/g)) expect(doc.components[kind], `${kind}/${name}`).toHaveProperty(name);
    const page = await fetch(`${base}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/v1/entities/Counter/{key}/increment");
    expect(html).toContain('id="schema-');
  });

  it("reports health as application/health+json", async () => {
    const res = await fetch(`${base}/health`);
    expect(res.headers.get("content-type")).toBe("application/health+json");
    expect(((await res.json()) as { status: string }).status).toBe("pass");
  });
});

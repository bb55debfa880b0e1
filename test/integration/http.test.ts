import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ProblemSchema } from "../../src/spec/index.ts";
import { admin, BASE, fetchWith } from "./helpers.ts";

const call = (path: string, init?: RequestInit) => exports.default.fetch(BASE + path, init);

interface OpenApiDoc {
  paths: Record<string, Record<string, { security?: unknown[] }>>;
}

async function problem(res: Response) {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return ProblemSchema.parse(await res.json());
}

describe("authentication", () => {
  it("refuses every documented non-probe route without a token, and the spec marks each one as secured", async () => {
    const doc = await (await call("/openapi.json")).json<OpenApiDoc>();
    const publicPaths = new Set(["/livez", "/readyz", "/health"]);
    const secured = Object.entries(doc.paths).filter(([path]) => !publicPaths.has(path));
    expect(secured.length).toBeGreaterThan(0);
    for (const [path, item] of secured) {
      for (const [method, op] of Object.entries(item)) {
        const security = op.security?.length === 2 ? [{ adminBearer: [] }, { tenantKey: [] }] : [/^\/(ws\/\{user\}|v1\/sse\/)/.test(path) ? { userToken: [] } : { adminBearer: [] }];
        if (security.length === 2) expect(path, "only tenant routes take a tenant key").toMatch(/^\/v1\/tenants\/\{tenant\}/);
        expect(op.security, `${method} ${path} documents its security`).toEqual(security);
        const url = path.replace(/\{[^}]+\}/g, "x");
        const res = await call(url, { method: method.toUpperCase() });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect((await problem(res)).code).toBe("unauthorized");
      }
    }
  });

  it("refuses a wrong token and accepts the right one", async () => {
    const wrong = await call("/v1/cluster", { headers: { Authorization: "Bearer not-the-token" } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain("Bearer");
    expect((await problem(wrong)).detail).toBe("invalid bearer token");
    const right = await call("/v1/cluster", { headers: admin() });
    expect(right.status).toBe(200);
  });

  it("answers 401 for unknown routes without a token, so routes do not leak, and 404 with one", async () => {
    expect((await call("/v1/nothing-here")).status).toBe(401);
    const res = await call("/v1/nothing-here", { headers: admin() });
    expect(res.status).toBe(404);
    expect((await problem(res)).code).toBe("not_found");
  });

  it("never serves an open API: without ADMIN_TOKEN every admin route answers 401, even to an empty bearer", async () => {
    const res = await fetchWith({ ADMIN_TOKEN: undefined }, "/v1/cluster", { headers: { Authorization: "Bearer " } });
    expect(res.status).toBe(401);
    const res2 = await fetchWith({ ADMIN_TOKEN: "" }, "/v1/cluster", { headers: { Authorization: "Bearer x" } });
    expect(res2.status).toBe(401);
  });

  it("refuses to serve in production without a strong ADMIN_TOKEN (503 misconfigured), probes excepted", async () => {
    const res = await fetchWith({ ENVIRONMENT: "production", ADMIN_TOKEN: "short" }, "/v1/cluster", { headers: { Authorization: "Bearer short" } });
    expect(res.status).toBe(503);
    expect((await problem(res)).code).toBe("misconfigured");
    expect((await fetchWith({ ENVIRONMENT: "production", ADMIN_TOKEN: undefined }, "/livez")).status).toBe(200);
    expect((await fetchWith({ ENVIRONMENT: "production", ADMIN_TOKEN: undefined }, "/readyz")).status).toBe(503);
    expect((await fetchWith({ ENVIRONMENT: "production", ADMIN_TOKEN: undefined }, "/v1/cluster", { headers: { Authorization: "Bearer x" } })).status).toBe(401);
  });

  it("names the variable when the configuration is invalid", async () => {
    const res = await fetchWith({ MAX_BODY_BYTES: "lots" }, "/v1/cluster", { headers: admin() });
    expect(res.status).toBe(503);
    const body = await problem(res);
    expect(body.code).toBe("misconfigured");
    expect(body.detail).toContain("MAX_BODY_BYTES");
  });

  it("keeps /livez at 200 whatever the configuration, since it reads none", async () => {
    expect((await fetchWith({ MAX_BODY_BYTES: "lots" }, "/livez")).status).toBe(200);
  });
});

describe("request id and trace context", () => {
  it("echoes a valid X-Request-Id, also inside problem bodies", async () => {
    const res = await call("/v1/cluster", { headers: { "X-Request-Id": "req-123_abc" } });
    expect(res.headers.get("x-request-id")).toBe("req-123_abc");
    expect((await problem(res)).requestId).toBe("req-123_abc");
  });

  it("generates one when absent or invalid", async () => {
    const absent = await call("/livez");
    expect(absent.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const invalid = await call("/livez", { headers: { "X-Request-Id": "bad id with spaces" } });
    expect(invalid.headers.get("x-request-id")).not.toBe("bad id with spaces");
  });

  it("passes a valid traceparent through into the cluster context and drops an invalid one", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const res = await call("/v1/cluster", { headers: admin({ traceparent, "X-Request-Id": "r1" }) });
    const body = await res.json<{ context: Record<string, unknown> }>();
    expect(body.context).toMatchObject({ requestId: "r1", traceparent, isLeader: false });
    expect(res.headers.get("traceparent")).toBe(traceparent);
    const bad = await (await call("/v1/cluster", { headers: admin({ traceparent: "garbage" }) })).json<{ context: Record<string, unknown> }>();
    expect(bad.context.traceparent).toBeUndefined();
  });
});

describe("body size limit", () => {
  const big = "x".repeat(1_048_577);

  it("answers 413 problem+json for a body over 1 MiB", async () => {
    const res = await call("/v1/cluster", { method: "POST", headers: admin({ "content-type": "application/json" }), body: big });
    expect(res.status).toBe(413);
    expect((await problem(res)).code).toBe("payload_too_large");
  });

  it("applies the configured limit", async () => {
    const res = await fetchWith({ MAX_BODY_BYTES: "10" }, "/v1/cluster", { method: "POST", headers: admin(), body: "01234567890" });
    expect(res.status).toBe(413);
  });

  it("counts streamed bodies that carry no Content-Length", async () => {
    const chunks = [new TextEncoder().encode("a".repeat(8)), new TextEncoder().encode("b".repeat(8))];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const res = await fetchWith({ MAX_BODY_BYTES: "10" }, "/v1/cluster", { method: "POST", headers: admin(), body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
  });
});

describe("API description", () => {
  it("serves OpenAPI 3.1 at /openapi.json and a self-contained page at /docs", async () => {
    const doc = await (await call("/openapi.json")).json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/livez", "/readyz", "/health", "/v1/cluster"]));
    const page = await call("/docs");
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("/v1/cluster");
    expect(html).not.toMatch(/<script src=|<link [^>]*href="http/);
  });
});

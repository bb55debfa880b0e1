import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE } from "./helpers.ts";

/** The inspector's shell: public, holds no data, loads nothing from elsewhere, under a strict CSP. */
describe("the inspector's page shell", () => {
  it("serves the page, its script and its styles without a token, each under the CSP", async () => {
    for (const [path, type] of [["/inspector", "text/html"], ["/inspector/app.js", "text/javascript"], ["/inspector/app.css", "text/css"]] as const) {
      const res = await exports.default.fetch(`${BASE}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toContain(type);
      expect(res.headers.get("content-security-policy"), path).toBe("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
      const body = await res.text();
      expect(body.match(/https?:\/\/[^\s"')]+/g) ?? [], `${path} names no other origin`).toEqual([]);
    }
  });

  it("holds no data: the page names the routes it reads, each refused without the token", async () => {
    const script = await (await exports.default.fetch(`${BASE}/inspector/app.js`)).text();
    const routes = [...script.matchAll(/api\("([^"?]+)/g)].map((m) => m[1] ?? "");
    expect(routes.length).toBeGreaterThan(2);
    for (const route of routes) expect((await exports.default.fetch(`${BASE}${route}`)).status, route).toBe(401);
  });
});

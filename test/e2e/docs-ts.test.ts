import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { describe, expect, inject, it } from "vitest";

/**
 * The TypeScript examples of the README and docs/:
 * - ```` ```ts run ```` blocks are programs a reader runs with Node 22 (the client, say): each is
 *   bundled with esbuild (`durable-cluster/client` is this checkout's client) and run against the
 *   suite's `wrangler dev`, with its URL and admin token put in place of `npm run dev`'s.
 * - ```` ```ts check ```` blocks are modules of a Worker app: they are typechecked, strict, against
 *   this checkout's public API. (The scaffold's `src/index.ts`, the same app, runs in the package test.)
 */
const ROOT = resolve(import.meta.dirname, "../..");
const DEV_URL = "http://localhost:8787";
const DEV_TOKEN = "dev-admin-token-0123456789abcdef0123456789abcdef";
const PAGES = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const PUBLIC = { "durable-cluster": "src/index.ts", "durable-cluster/client": "src/realtime/client/index.ts" };

const blocks = (kind: "run" | "check") =>
  PAGES.flatMap((page) => [...readFileSync(join(ROOT, page), "utf8").matchAll(new RegExp(`^\`\`\`ts ${kind}\\n([\\s\\S]*?)^\`\`\`$`, "gm"))].map((m, i) => ({ page, n: i + 1, code: m[1] ?? "" })));

describe("the TypeScript examples in the README and docs/", () => {
  const runnable = blocks("run");
  const checked = blocks("check");

  it("include programs that run and app modules that typecheck", () => {
    expect(runnable.length).toBeGreaterThan(0);
    expect(checked.length).toBeGreaterThan(0);
  });

  for (const { page, n, code } of runnable) {
    it(`${page} program ${n} runs against wrangler dev`, async () => {
      const source = code.replaceAll(DEV_URL, inject("baseUrl")).replaceAll(DEV_TOKEN, inject("adminToken"));
      const dir = mkdtempSync(join(tmpdir(), "dc-docs-ts-"));
      try {
        const alias = { "durable-cluster/client": join(ROOT, PUBLIC["durable-cluster/client"]) };
        await build({ stdin: { contents: source, loader: "ts", resolveDir: ROOT }, bundle: true, platform: "node", format: "esm", target: "node22", alias, outfile: join(dir, "example.mjs"), logLevel: "silent" });
        const run = spawnSync(process.execPath, [join(dir, "example.mjs")], { encoding: "utf8", timeout: 30_000 });
        expect(run.status, `${page} program ${n} exited ${run.status} (${run.signal ?? "no signal"})\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it(`typechecks the ${checked.length} app modules against the public API`, () => {
    // Inside the checkout, so that `zod` and the Workers types resolve from its node_modules.
    const dir = mkdtempSync(join(ROOT, ".docs-check-"));
    try {
      for (const { page, n, code } of checked) writeFileSync(join(dir, `${page.replace(/\W/g, "_")}_${n}.ts`), code);
      const paths = Object.fromEntries(Object.entries(PUBLIC).map(([name, path]) => [name, [`../${path}`]]));
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "../tsconfig.json", compilerOptions: { paths }, include: ["../worker-configuration.d.ts", "*.ts"] }));
      const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", dir], { encoding: "utf8", timeout: 120_000 });
      expect(tsc.status, `tsc found errors in the examples:\n${tsc.stdout}${tsc.stderr}`).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

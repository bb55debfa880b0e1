import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { describe, expect, inject, it } from "vitest";

/**
 * The ```` ```ts run ```` blocks of the README and docs/ are programs a reader runs with Node 22
 * (the client, say): each is bundled with esbuild (`durable-cluster/client` is this checkout's
 * client) and run against the suite's `wrangler dev`, with its URL and admin token put in place of
 * `npm run dev`'s. (```` ```ts check ```` blocks, modules of a Worker app, are typechecked by
 * `npm run typecheck`; the scaffold's `src/index.ts`, the same app, runs in the package test.)
 */
const ROOT = resolve(import.meta.dirname, "../..");
const DEV_URL = "http://localhost:8787";
const DEV_TOKEN = "dev-admin-token-0123456789abcdef0123456789abcdef";
const PAGES = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

const runnable = PAGES.flatMap((page) => [...readFileSync(join(ROOT, page), "utf8").matchAll(/^```ts run\n([\s\S]*?)^```$/gm)].map((m, i) => ({ page, n: i + 1, code: m[1] ?? "" })));

describe("the TypeScript examples in the README and docs/", () => {
  it("include programs that run", () => expect(runnable.length).toBeGreaterThan(0));

  for (const { page, n, code } of runnable) {
    it(`${page} program ${n} runs against wrangler dev`, async () => {
      const source = code.replaceAll(DEV_URL, inject("baseUrl")).replaceAll(DEV_TOKEN, inject("adminToken"));
      const dir = mkdtempSync(join(tmpdir(), "dc-docs-ts-"));
      try {
        const alias = { "durable-cluster/client": join(ROOT, "src/realtime/client/index.ts") };
        await build({ stdin: { contents: source, loader: "ts", resolveDir: ROOT }, bundle: true, platform: "node", format: "esm", target: "node22", alias, outfile: join(dir, "example.mjs"), logLevel: "silent" });
        const run = spawnSync(process.execPath, [join(dir, "example.mjs")], { encoding: "utf8", timeout: 30_000 });
        expect(run.status, `${page} program ${n} exited ${run.status} (${run.signal ?? "no signal"})\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

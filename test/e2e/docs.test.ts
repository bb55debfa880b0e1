import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, inject, it } from "vitest";

/**
 * Every fenced block marked ```` ```sh run ```` in the README and in docs/ runs here, against the
 * suite's `wrangler dev`, as a reader would paste it: a page's blocks run in order in one bash
 * session (so a variable set above is there below), in a fresh directory, with `set -euo pipefail`.
 * The only rewrites: the URL of `npm run dev` and its admin token become this server's, and
 * `npx durable-cluster` runs this checkout's own bin. A broken example fails the build.
 */
const ROOT = resolve(import.meta.dirname, "../..");
const DEV_HOST = "localhost:8787";
const DEV_TOKEN = "dev-admin-token-0123456789abcdef0123456789abcdef";
const PAGES = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

const blocksOf = (text: string): string[] => [...text.matchAll(/^```sh run\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? "");

describe("the examples in the README and docs/ run", () => {
  const host = new URL(inject("baseUrl")).host;
  const token = inject("adminToken");

  it("every page under docs/ starts with an example", () => {
    for (const page of PAGES.filter((p) => p.startsWith("docs/"))) {
      const text = readFileSync(join(ROOT, page), "utf8");
      expect(text.indexOf("```sh"), page).toBeGreaterThan(0);
      expect(text.indexOf("```sh"), `${page}: the example comes before any other section`).toBeLessThan(text.indexOf("\n## ") === -1 ? Infinity : text.indexOf("\n## "));
    }
  });

  for (const page of PAGES) {
    const blocks = blocksOf(readFileSync(join(ROOT, page), "utf8"));
    if (blocks.length === 0) continue;
    // Generous: on a loaded machine the README's six blocks (a socket, a 1 s task, a saga) take a while.
    it(`${page}: ${blocks.length} example(s)`, { timeout: 150_000 }, () => {
      const script = ["set -euo pipefail", ...blocks].join("\n").replaceAll(DEV_HOST, host).replaceAll(DEV_TOKEN, token).replaceAll("npx durable-cluster ", `node ${join(ROOT, "bin/durable-cluster.mjs")} `);
      const cwd = mkdtempSync(join(tmpdir(), "dc-docs-"));
      try {
        const run = spawnSync("bash", ["-c", script], { cwd, encoding: "utf8", timeout: 120_000, env: { ...process.env, PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH ?? ""}` } });
        expect(run.status, `${page} exited ${run.status} (${run.signal ?? "no signal"})\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`).toBe(0);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  }
});

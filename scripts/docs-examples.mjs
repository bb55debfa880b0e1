#!/usr/bin/env node
/**
 * Writes every ```` ```ts check ```` block of the README and docs/ (modules of a Worker app) to
 * `.docs-check/<page>_<n>.ts`, where `npm run typecheck` checks them against this checkout's public
 * API (tsconfig.json maps `durable-cluster` to `src/index.ts`). A line of a block is the same line
 * of its file, so tsc's positions point into the example.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const OUT = join(ROOT, ".docs-check");
const pages = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT);
let count = 0;
for (const page of pages) {
  const blocks = [...readFileSync(join(ROOT, page), "utf8").matchAll(/^```ts check\n([\s\S]*?)^```$/gm)];
  blocks.forEach((block, i) => {
    writeFileSync(join(OUT, `${page.replace(/\W/g, "_")}_${i + 1}.ts`), block[1] ?? "");
    count += 1;
  });
}
if (count === 0) {
  console.error("no ```ts check blocks found in the README or docs/");
  process.exit(1);
}

#!/usr/bin/env node
/**
 * Writes every ```` ```ts check ```` block of the README and docs/ (modules of a Worker app) to
 * `.docs-check/<page>_<n>.ts`, where `npm run typecheck` checks them against this checkout's public
 * API (tsconfig.json maps `durable-cluster` to `src/index.ts`). A line of a block is the same line
 * of its file, so tsc's positions point into the example.
 *
 * Pages with tests of an app (docs/testing.md) have one ```` ```ts test-app ```` block, the app's
 * `src/index.ts`, and ```` ```ts test ```` blocks, its test files: they go to `.docs-tests/`
 * (`app.ts`, `<page>_<n>.test.ts`, importing `./app.ts` where they say `../src/index.ts`), where
 * the integration stage runs them and the typecheck checks them. Files are written whole by
 * renaming, so the two stages writing at once never see half a file. `docs-examples.mjs tests`
 * writes only `.docs-tests/` (the integration stage): `.docs-check/` is emptied and written again
 * by the typecheck alone, which a second writer at the same time would race.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const OUT = join(ROOT, ".docs-check");
const TESTS = join(ROOT, ".docs-tests");
const pages = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

const write = (dir, name, text) => {
  const temp = join(dir, `.${name}.${process.pid}`);
  writeFileSync(temp, text);
  renameSync(temp, join(dir, name));
};

const checks = process.argv[2] !== "tests";
if (checks) {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT);
}
mkdirSync(TESTS, { recursive: true });
const testFiles = new Set();
let count = 0;
for (const page of pages) {
  const text = readFileSync(join(ROOT, page), "utf8");
  const blocks = [...text.matchAll(/^```ts check\n([\s\S]*?)^```$/gm)];
  if (checks) blocks.forEach((block, i) => {
    writeFileSync(join(OUT, `${page.replace(/\W/g, "_")}_${i + 1}.ts`), block[1] ?? "");
    count += 1;
  });
  const app = [...text.matchAll(/^```ts test-app\n([\s\S]*?)^```$/gm)];
  if (app.length > 1) throw new Error(`${page}: more than one ts test-app block`);
  if (app[0]) {
    write(TESTS, "app.ts", app[0][1] ?? "");
    testFiles.add("app.ts");
  }
  [...text.matchAll(/^```ts test\n([\s\S]*?)^```$/gm)].forEach((block, i) => {
    const name = `${page.replace(/\W/g, "_")}_${i + 1}.test.ts`;
    write(TESTS, name, (block[1] ?? "").replaceAll('"../src/index.ts"', '"./app.ts"'));
    testFiles.add(name);
  });
}
for (const stale of readdirSync(TESTS)) if (!testFiles.has(stale) && !stale.startsWith(".")) rmSync(join(TESTS, stale), { force: true });
if (checks && count === 0) {
  console.error("no ```ts check blocks found in the README or docs/");
  process.exit(1);
}

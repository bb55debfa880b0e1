#!/usr/bin/env node
/**
 * `npm test`: every stage of the suite, at once where they do not compete, each summarised in a
 * line or two. A stage's whole output goes to `test-results/<stage>.log` and is printed only when
 * the stage fails.
 *
 *   npm test                      typecheck, lint, unit, integration and e2e
 *   npm test -- unit integration  only these stages (names as below)
 *
 * Order: `wrangler types` first (typecheck, lint and the docs' typechecked examples read what it
 * writes). Then the static checks, the unit tests and the integration tests (workerd) run side by
 * side, and the e2e tests (a real `wrangler dev`) once the integration tests are done.
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

// The static checks run at a lower priority (`nice`): they are pure CPU, while the test stages'
// timing (alarms, heartbeats, rate windows) suffers when starved.
const STATIC = "nice -n 10 ";
const STAGES = {
  typecheck: ["node scripts/docs-examples.mjs", `${STATIC}tsc --noEmit -p tsconfig.json`, `${STATIC}tsc --noEmit -p tsconfig.node.json`],
  lint: [`${STATIC}eslint .`],
  unit: ["vitest run --config vitest.unit.config.ts --reporter=dot"],
  integration: ["node scripts/docs-examples.mjs tests", "vitest run --config vitest.config.ts --reporter=dot"],
  e2e: ["vitest run --config vitest.e2e.config.ts --reporter=dot"],
};
const LOG_DIR = "test-results";
// The platform logs the failures tests cause on purpose; tests print only `[report]` lines.
const BIN = join(import.meta.dirname, "..", "node_modules", ".bin");
const ENV = { ...process.env, PATH: `${BIN}${delimiter}${process.env.PATH ?? ""}`, DC_QUIET: "1", WRANGLER_LOG: "error", NO_COLOR: "1" };

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in STAGES));
if (unknown.length > 0) {
  console.error(`unknown stage ${unknown.join(", ")}; stages: ${Object.keys(STAGES).join(", ")}`);
  process.exit(2);
}
const chosen = asked.length > 0 ? asked : Object.keys(STAGES);
const children = new Set();
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Runs one command with its output appended to `log`; resolves with its exit code. */
function run(command, log) {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, env: ENV, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on("error", (error) => log.write(`${String(error)}\n`));
    child.on("close", (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/** What a passing stage prints: vitest's counts and the tests' `[report]` lines. */
function summary(text) {
  const lines = text.split("\n").map((line) => line.trim());
  const counts = lines.filter((line) => /^(Test Files|Tests)\s/.test(line)).map((line) => line.replace(/\s+/g, " "));
  const reports = lines.filter((line) => line.startsWith("[report]"));
  return { counts: counts.join(" · "), reports };
}

/** Runs a stage's commands in order; prints one line when it passes, its whole log when it fails. */
async function stage(name) {
  const since = Date.now();
  const path = join(LOG_DIR, `${name}.log`);
  const log = createWriteStream(path);
  let code = 0;
  for (const command of STAGES[name]) {
    log.write(`$ ${command}\n`);
    code = await run(command, log);
    if (code !== 0) break;
  }
  await new Promise((done) => log.end(done));
  const text = readFileSync(path, "utf8");
  if (code === 0) {
    const { counts, reports } = summary(text);
    console.log(`✓ ${name.padEnd(11)} ${seconds(since).padStart(8)}${counts ? `  ${counts}` : ""}`);
    for (const report of reports) console.log(`  ${report}`);
  } else {
    console.log(`✗ ${name.padEnd(11)} ${seconds(since).padStart(8)}  failed (exit ${code}); its output, also in ${path}:`);
    console.log(text);
  }
  return code === 0;
}

function stopAll() {
  for (const child of children) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
}
process.on("SIGINT", () => {
  stopAll();
  process.exit(130);
});
process.on("SIGTERM", () => {
  stopAll();
  process.exit(143);
});

mkdirSync(LOG_DIR, { recursive: true });
{
  const log = createWriteStream(join(LOG_DIR, "types.log"));
  const code = await run("wrangler types --strict-vars=false", log);
  await new Promise((done) => log.end(done));
  if (code !== 0) {
    console.log(`✗ wrangler types failed; its output:\n${readFileSync(join(LOG_DIR, "types.log"), "utf8")}`);
    process.exit(1);
  }
}
console.log(`running ${chosen.join(", ")} (whole logs in ${LOG_DIR}/)`);
// The e2e stage starts when the integration stage ends: both wait on real sockets, alarms and
// Queues, and a `wrangler dev` starved by a dozen workerd runtimes starting misses its deadlines.
const running = new Map();
for (const name of chosen) running.set(name, name === "e2e" && running.has("integration") ? running.get("integration").then(() => stage(name)) : stage(name));
const results = await Promise.all(running.values());
const failed = chosen.filter((_, i) => !results[i]);
console.log(failed.length === 0 ? `all ${chosen.length} stages passed in ${seconds(started)}` : `failed: ${failed.join(", ")} (${seconds(started)})`);
process.exit(failed.length === 0 ? 0 : 1);

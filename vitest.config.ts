import { resolve } from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { onConsoleLog, onUnhandledError } from "./vitest.quiet.ts";

/**
 * Files that need a runtime of their own: they count every object, statement or outbox row of a
 * shard, list every job or dead letter, fill a fixed shard to its limit, or compare whole snapshots
 * of storage, so another file's leftovers would change their answer. The mailbox test leaves thousands of
 * messages draining behind it, so it runs alone too. Files that move the platform's clock (the testing
 * kit, the rate-window tests) run alone, so no other file reads the moved time.
 */
const FRESH_WORLD = [
  "activity",
  "cost-per-message",
  "dedup",
  "entities",
  "entity-keys",
  "events-durability",
  "events-limits",
  "fuzz-http",
  "fuzz-ws",
  "jobs-concurrency",
  "jobs-list",
  "jobs-schedule",
  "mailbox",
  "realtime-limits",
  "reads-create-nothing",
  "services",
  "testing-kit",
].map((name) => `test/integration/${name}.test.ts`);

/** One project: the demo's bindings, with the test fixtures' Worker (the demo plus test-only declarations) unless `main` names another. */
function project(name: string, isolate: boolean, include: string[], exclude: string[], main = "./test/fixtures/worker.ts"): TestProjectInlineConfiguration {
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        main,
        miniflare: {
          bindings: {
            ENVIRONMENT: "development",
            ADMIN_TOKEN: "test-admin-token-0123456789abcdef0123",
            EVENT_RETRY_BASE_SECONDS: "0",
            AUTH_SECRET: "test-auth-secret-0123456789abcdef0123",
            // Short SSE heartbeats, so the cleanup tests wait for two of them in well under a second.
            SSE_HEARTBEAT_MS: "200",
            // A rollout whose Workflow made no progress for 3 s gets a new run: the eviction tests wait for that.
            ROLLOUT_STALL_MS: "3000",
          },
        },
      }),
    ],
    // The scaffolded app's tests import the package by name, as an app does: here it is this checkout.
    resolve: { alias: { "durable-cluster/testing": resolve("src/testing/index.ts"), "durable-cluster": resolve("src/index.ts") } },
    test: { name, isolate, include, exclude, testTimeout: 30_000, hookTimeout: 30_000 },
  };
}

/**
 * Integration tests: inside workerd, against the real Durable Objects, alarms, SQLite and Queues.
 * Most files share a runtime per worker (`isolate: false`): loading the Worker once instead of once
 * per file saves about 90 s of a run, and each file names its own keys, tenants and tasks. The
 * files in FRESH_WORLD each get a fresh runtime and storage.
 */
export default defineConfig({
  test: {
    onConsoleLog,
    onUnhandledError,
    maxWorkers: 2,
    projects: [
      project("integration", false, ["test/integration/**/*.test.ts"], [...FRESH_WORLD, "test/integration/kit-app/**"]),
      project("integration (fresh world)", true, FRESH_WORLD, []),
      // The app `durable-cluster init` scaffolds, with its own tests; the app and tests of docs/testing.md
      // (written to .docs-tests/ by scripts/docs-examples.mjs).
      project("scaffold", false, ["templates/app/test/**/*.test.ts", "test/integration/kit-app/*.test.ts"], [], "./templates/app/src/index.ts"),
      project("docs examples", false, [".docs-tests/*.test.ts"], [], "./.docs-tests/app.ts"),
    ],
  },
});

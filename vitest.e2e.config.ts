import { defineConfig } from "vitest/config";
import { onConsoleLog } from "./vitest.quiet.ts";

/** End-to-end tests: one real `wrangler dev` for the whole run, real HTTP and WebSocket clients. */
export default defineConfig({
  test: {
    onConsoleLog,
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/e2e/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});

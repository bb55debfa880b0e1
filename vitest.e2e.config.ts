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
    // Files run side by side against the one `wrangler dev` (each names its own keys and users);
    // most of their time is spent waiting on alarms, Queues and sockets. Four at a time: with a
    // headless browser and a rollout over 50 tenants among them, six starved the `wrangler dev`
    // of a 2-core machine for seconds (a socket's 4 s connect timeout ran out twice).
    maxWorkers: 4,
  },
});

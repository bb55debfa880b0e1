import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { onConsoleLog } from "./vitest.quiet.ts";

/** Integration tests: inside workerd, against the real Durable Objects, alarms, SQLite and Queues. */
export default defineConfig({
  plugins: [
    cloudflareTest({
      // The demo's bindings, with the test fixtures' Worker (the demo plus test-only declarations).
      wrangler: { configPath: "./wrangler.toml" },
      main: "./test/fixtures/worker.ts",
      miniflare: {
        bindings: {
          ENVIRONMENT: "development",
          ADMIN_TOKEN: "test-admin-token-0123456789abcdef0123",
          EVENT_RETRY_BASE_SECONDS: "0",
          AUTH_SECRET: "test-auth-secret-0123456789abcdef0123",
          // Short SSE heartbeats, so the cleanup tests wait for two of them in well under a second.
          SSE_HEARTBEAT_MS: "200",
        },
      },
    }),
  ],
  test: {
    onConsoleLog,
    include: ["test/integration/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** Tests run inside workerd, against real Durable Objects, alarms, SQLite and Queues. */
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: { bindings: { ENVIRONMENT: "development", ADMIN_TOKEN: "test-admin-token-0123456789abcdef", AUTH_SECRET: "test-auth-secret-0123456789abcdef" } },
    }),
  ],
  test: { testTimeout: 30_000 },
});

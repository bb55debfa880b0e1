import { resolve } from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** The testing kit's benchmark: the scaffolded app inside workerd, as its own tests run it. */
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      main: "./templates/app/src/index.ts",
      miniflare: { bindings: { ENVIRONMENT: "development", ADMIN_TOKEN: "bench-admin-token-0123456789abcdef0123", AUTH_SECRET: "bench-auth-secret-0123456789abcdef0123" } },
    }),
  ],
  resolve: { alias: { "durable-cluster/testing": resolve("src/testing/index.ts"), "durable-cluster": resolve("src/index.ts") } },
  test: { include: ["bench/testing/*.test.ts"], testTimeout: 600_000 },
});

import { defineConfig } from "vitest/config";
import { onConsoleLog } from "./vitest.quiet.ts";

/** Unit tests: pure modules, run in Node. */
export default defineConfig({
  test: {
    onConsoleLog,
    include: ["test/unit/**/*.test.ts"],
    environment: "node",
  },
});

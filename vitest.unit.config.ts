import { defineConfig } from "vitest/config";
import { onConsoleLog } from "./vitest.quiet.ts";

/** Unit tests: pure modules, run in Node. */
export default defineConfig({
  test: {
    onConsoleLog,
    include: ["test/unit/**/*.test.ts"],
    environment: "node",
    // CPU-bound cases (100,000 hashes, property tests) share 2 cores with the other stages in `npm test`.
    testTimeout: 60_000,
  },
});

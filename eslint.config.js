import js from "@eslint/js";
import tseslint from "typescript-eslint";

const boundaries = (...patterns) => ["error", { patterns }];

export default tseslint.config(
  { ignores: ["**/node_modules/", "**/dist/", "**/.wrangler/", "**/.build/", "**/.bench/", "worker-configuration.d.ts", "eslint.config.js", "scripts/", "bench/**/*.mjs", "templates/", ".docs-check/", ".docs-tests/", "test-results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ["./tsconfig.json", "./tsconfig.node.json"], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  // Dependencies point one way: the library never imports an application or a test.
  {
    files: ["src/**/*.ts"],
    ignores: ["src/worker.ts"],
    rules: { "no-restricted-imports": boundaries({ regex: "(^|/)(examples|test)/", message: "src/ is the library: it never imports an example, an app or a test (only src/worker.ts, the demo's entry, may)." }) },
  },
  // The client runs in browsers and Node: the protocol (src/spec) and zod, nothing of the Worker.
  {
    files: ["src/realtime/client/**/*.ts"],
    rules: {
      "no-restricted-imports": boundaries(
        { regex: "^\\.\\./(?!\\.\\./spec/)", message: "The client imports only its own files and src/spec, never Worker code." },
        { regex: "^cloudflare:", message: "The client imports nothing of the Workers runtime." },
      ),
    },
  },
  // An example is an application: it uses the public entry only, as a user's app does.
  {
    files: ["examples/**/*.ts"],
    rules: {
      "no-restricted-imports": boundaries(
        { regex: "(^|/)src/(?!index\\.ts$)", message: "Examples import the public entry (durable-cluster, or src/index.ts), never a deep path." },
        { regex: "^durable-cluster/(?!client$)", message: "Examples import the public entries durable-cluster and durable-cluster/client only." },
        { regex: "(^|/)test/", message: "Examples never import tests." },
      ),
    },
  },
  // The scaffolding command: plain Node JavaScript, shipped as is.
  {
    files: ["bin/**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { console: "readonly", process: "readonly" } },
  },
);

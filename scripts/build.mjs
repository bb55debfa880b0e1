// `npm run build`: the package's dist/ — ESM and .d.ts of the library (tsc), and the realtime client
// bundled into one dependency-free ES module (dist/client.js) that loads in Node 22 and in browsers
// without a bundler.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: "inherit" });

rmSync(join(root, "dist"), { recursive: true, force: true });
mkdirSync(join(root, ".build"), { recursive: true });
// The Workers runtime types alone (no Env of the demo): the library's declarations name only ClusterEnv.
run(bin("wrangler"), ["types", "--include-env=false", ".build/runtime.d.ts"]);
run(bin("tsc"), ["-p", "tsconfig.build.json"]);
// tsc rewrites relative ".ts" imports in the JavaScript it emits, not in declarations: do it there too.
for (const file of readdirSync(join(root, "dist"), { recursive: true })) {
  if (!file.endsWith(".d.ts")) continue;
  const path = join(root, "dist", file);
  writeFileSync(path, readFileSync(path, "utf8").replace(/((?:from |import\()["']\.{1,2}\/[^"']*)\.ts(["'])/g, "$1.js$2"));
}
await build({
  entryPoints: [join(root, "src/realtime/client/index.ts")],
  outfile: join(root, "dist/client.js"),
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  minify: true,
  legalComments: "none",
});
console.log("dist/ built");

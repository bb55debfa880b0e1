#!/usr/bin/env node
// `durable-cluster init <dir>`: scaffolds an application offline from the templates in this package.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const USAGE = "usage: durable-cluster init <dir> [--name <name>]";
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const self = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** Every file under `dir`, as paths relative to it. */
function files(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? files(path).map((f) => join(entry, f)) : [entry];
  });
}

/** `{{key}}` → the value: the app's name, this package's version, and the versions this package is built and tested with. */
function render(text, values) {
  return text.replace(/\{\{([@\w/-]+)\}\}/g, (match, key) => {
    if (!(key in values)) throw new Error(`template placeholder ${match} has no value`);
    return values[key];
  });
}

function init(dir, name) {
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${target} exists and is not empty`);
  const appName = name ?? basename(target).toLowerCase().replace(/[^a-z0-9-]/g, "-");
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(appName)) throw new Error(`'${appName}' is not a valid Worker name (lower-case letters, digits and -): pass --name`);
  const versions = { ...self.dependencies, ...self.devDependencies };
  const values = { name: appName, version: self.version, ...versions };
  const templates = join(root, "templates", "app");
  for (const file of files(templates)) {
    const out = join(target, file.replace(/^_gitignore$/, ".gitignore"));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, render(readFileSync(join(templates, file), "utf8"), values));
  }
  const secret = () => randomBytes(24).toString("hex");
  writeFileSync(join(target, ".dev.vars"), `ENVIRONMENT=development\nADMIN_TOKEN=${secret()}\nAUTH_SECRET=${secret()}\n`);
  const where = relative(process.cwd(), target) || ".";
  console.log(`Created ${appName} in ${where}.\n\n  cd ${where}\n  npm install && npm run dev\n  npm test\n`);
}

const [command, dir, ...rest] = process.argv.slice(2);
const nameAt = rest.indexOf("--name");
try {
  if (command !== "init" || !dir || (nameAt >= 0 && !rest[nameAt + 1])) throw new Error(USAGE);
  init(dir, nameAt >= 0 ? rest[nameAt + 1] : undefined);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}

import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { fmt, printRatio } from "./stats.ts";

/**
 * What being a library app costs at a cold start: a new app scaffolded from the packed package
 * (`durable-cluster init`, the tarball installed) against the same five classes and handlers written
 * by hand and empty (the platform primitive), and against a Worker whose gateway is a PartyServer
 * `Server` (the peer). Each is measured by `wrangler check startup` (the Worker's startup CPU
 * profile: active ms, GC included), rounds alternated, and by its bundle as `wrangler deploy
 * --dry-run` writes it (bytes, gzipped).
 */
const root = resolve(import.meta.dirname, "..");
const work = join(root, ".bench", "package");
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const env = { ...process.env, PATH: `${resolve(process.execPath, "..")}:${process.env.PATH ?? ""}`, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1", CI: "1" };
const run = (cwd: string, command: string, args: string[]) => execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });

function scaffold(): string {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  run(root, "npm", ["run", "build", "--silent"]);
  const packed = JSON.parse(run(root, "npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work])) as { filename: string }[];
  const tarball = join(work, packed[0]?.filename ?? "");
  run(work, "tar", ["xzf", tarball]);
  const app = join(work, "app");
  run(work, process.execPath, [join(work, "package/bin/durable-cluster.mjs"), "init", app]);
  run(app, "npm", ["install", tarball, "--no-audit", "--no-fund"]);
  return app;
}

/** A project with the scaffold's wrangler.toml whose entry is one of the baseline Workers. */
function baseline(app: string, name: string, entry: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const config = readFileSync(join(app, "wrangler.toml"), "utf8").replace(/^name = .*$/m, `name = "${name}"`).replace(/^main = .*$/m, `main = "${join(root, "bench/worker", entry)}"`);
  writeFileSync(join(dir, "wrangler.toml"), config);
  return dir;
}

function startupMs(dir: string): number {
  const out = run(dir, bin("wrangler"), ["check", "startup", "--outfile", join(dir, "startup.cpuprofile")]);
  const active = /Active:\s+([\d.]+)\s*ms/.exec(out);
  if (!active) throw new Error(`no startup figure in:\n${out}`);
  return Number(active[1]);
}

function bundleBytes(dir: string): { raw: number; gzip: number } {
  const out = join(dir, "dry-run");
  run(dir, bin("wrangler"), ["deploy", "--dry-run", "--outdir", out]);
  const files = readdirSync(out).filter((f) => f.endsWith(".js"));
  const bytes = Buffer.concat(files.map((f) => readFileSync(join(out, f))));
  return { raw: files.reduce((sum, f) => sum + statSync(join(out, f)).size, 0), gzip: gzipSync(bytes).length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const range = (xs: number[]) => `${fmt(Math.min(...xs), 1)}–${fmt(Math.max(...xs), 1)}`;

export function benchPackage(rounds = 5): void {
  const app = scaffold();
  const projects = { ours: app, bare: baseline(app, "bare", "startup-bare.ts"), partyserver: baseline(app, "partyserver", "startup-party.ts") };
  const samples: Record<keyof typeof projects, number[]> = { ours: [], bare: [], partyserver: [] };
  for (let round = 0; round < rounds; round++) for (const name of Object.keys(projects) as (keyof typeof projects)[]) samples[name].push(startupMs(projects[name]));
  const gzipped: Record<string, number> = {};
  for (const [name, dir] of Object.entries(projects)) {
    const { raw, gzip } = bundleBytes(dir);
    gzipped[name] = gzip / 1024;
    const ms = samples[name as keyof typeof projects];
    console.log(`package: ${name.padEnd(11)} startup active ${fmt(median(ms), 1)} ms (min–max ${range(ms)}, ${rounds} rounds alternated) | bundle ${fmt(raw / 1024, 0)} KiB, ${fmt(gzip / 1024, 0)} KiB gzipped`);
  }
  // The baselines' startup is under the profiler's ~1 ms sampling period (often 0 samples): the
  // difference is the figure, a ratio to ~0 would mean nothing.
  console.log(`package startup CPU: ours − hand-written ${fmt(median(samples.ours) - median(samples.bare), 1)} ms | ours − PartyServer ${fmt(median(samples.ours) - median(samples.partyserver), 1)} ms`);
  printRatio("package bundle gzipped (scaffolded app vs a PartyServer Worker)", gzipped.ours ?? Number.NaN, gzipped.partyserver ?? Number.NaN, "KiB");
}

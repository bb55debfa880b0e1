import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_ADMIN_TOKEN, startWranglerDev, type WranglerDev } from "./harness/wrangler-dev.ts";

/**
 * The package as a user meets it: `npm pack`, `durable-cluster init` from the packed tarball, the
 * tarball installed into the new app, its typecheck, its `wrangler dev` (entity over HTTP, task on
 * its schedule, realtime method over /ws/:user with the packaged client in plain Node), and its own
 * `npm test`. Nothing here reads the repository's sources.
 */
const repository = resolve(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "durable-cluster-package-"));
const app = join(work, "my-app");
const node = process.execPath; // Node 22 (the repository's pinned `node`), which wrangler needs
const env = { ...process.env, PATH: `${resolve(node, "..")}:${process.env.PATH ?? ""}`, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1", CI: "1" };
const npm = (cwd: string, ...args: string[]) => execFileSync("npm", [...args, "--no-audit", "--no-fund"], { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
let tarball = "";
let dev: WranglerDev | undefined;

beforeAll(() => {
  npm(repository, "run", "build"); // what prepack runs; then pack without scripts, so stdout is only the JSON
  const packed = JSON.parse(npm(repository, "pack", "--json", "--ignore-scripts", "--pack-destination", work)) as { filename: string }[];
  tarball = join(work, packed[0]?.filename ?? "");
  execFileSync("tar", ["xzf", tarball, "-C", work], { env });
  execFileSync(node, [join(work, "package/bin/durable-cluster.mjs"), "init", app], { env, stdio: "ignore" });
  npm(app, "install", tarball);
}, 600_000);

afterAll(async () => {
  await dev?.stop();
  rmSync(work, { recursive: true, force: true });
});

const admin = { authorization: `Bearer ${E2E_ADMIN_TOKEN}`, "content-type": "application/json" };
const post = async (path: string, body: unknown) => {
  const res = await fetch(`${dev?.url ?? ""}${path}`, { method: "POST", headers: admin, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("the package, scaffolded into a new app", () => {
  it("scaffolds the files of an app and packs only the library", () => {
    expect(readdirSync(app).sort()).toEqual([".dev.vars", ".gitignore", "README.md", "node_modules", "package-lock.json", "package.json", "src", "test", "tsconfig.json", "vitest.config.ts", "wrangler.toml"]);
    expect(readdirSync(join(work, "package")).sort()).toEqual(["README.md", "bin", "dist", "docs", "package.json", "templates"]);
  });

  it("ships the client as one self-contained ES module: it loads from a data: URL, where no import could resolve", () => {
    const script = `
      import { readFileSync } from "node:fs";
      import { createRequire } from "node:module";
      const file = createRequire(process.cwd() + "/").resolve("durable-cluster/package.json").replace(/package\\.json$/, "dist/client.js");
      const mod = await import("data:text/javascript;base64," + readFileSync(file).toString("base64"));
      console.log(typeof mod.createClient, typeof mod.RpcError);`;
    const run = spawnSync(node, ["--input-type=module", "-e", script], { cwd: app, env, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("function function");
  });

  it("typechecks the app against the installed package", () => {
    npm(app, "run", "typecheck");
  }, 120_000);

  it("serves the app's entity, fires its task and answers its realtime method", async () => {
    dev = await startWranglerDev({ project: app });
    expect(await post("/v1/entities/Counter/k1/increment", { by: 2 })).toEqual({ status: 200, body: { value: 2 } });

    // The hourly task is armed for the next hour (its firing through a day is the app's own test, on the
    // virtual clock); a trigger runs a tick now, through the same runner.
    const task = await fetch(`${dev.url}/v1/singletons/default/tasks/tick`, { headers: admin });
    const { nextRunAt } = (await task.json()) as { nextRunAt: string };
    expect(Date.parse(nextRunAt) % 3_600_000).toBe(0);
    expect(Date.parse(nextRunAt) - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect(await post("/v1/singletons/default/tasks/tick/trigger", {})).toMatchObject({ status: 200, body: { status: "succeeded" } });
    expect(await post("/v1/entities/Counter/ticks/get", {})).toEqual({ status: 200, body: { value: 1 } });

    const { body: minted } = await post("/v1/auth/tokens", { sub: "u1" });
    const script = `
      import { createClient } from "durable-cluster/client";
      const client = createClient({ url: ${JSON.stringify(dev.url)}, user: "u1", token: () => ${JSON.stringify(minted.token)} });
      const result = await client.call("counter.add", { key: "k1", by: 3 });
      client.close();
      console.log(JSON.stringify(result));`;
    const run = spawnSync(node, ["--input-type=module", "-e", script], { cwd: app, env, encoding: "utf8", timeout: 30_000 });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ value: 5 });
  }, 180_000);

  it("passes its own npm test", () => {
    const run = spawnSync("npm", ["test"], { cwd: app, env, encoding: "utf8", timeout: 300_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
  }, 320_000);
});

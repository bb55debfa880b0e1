import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** A running `wrangler dev`: its base URL, its log file, and how to stop its whole process group. */
export interface WranglerDev {
  readonly url: string;
  readonly port: number;
  /** The DevTools inspector of the Worker (`/json` lists its targets): for CPU profiles. */
  readonly inspectorPort: number;
  readonly adminToken: string;
  readonly logFile: string;
  readonly pid: number;
  stop(): Promise<void>;
  /** SIGKILL of the whole process group, as a crash: nothing is flushed, the persistence dir stays. */
  kill(): Promise<void>;
  /** The persistence directory (`--persist-to`): start another `wrangler dev` on it to restart. */
  readonly persistTo: string;
}

export interface WranglerDevOptions {
  /** Extra `--var NAME:value` pairs (test secrets and knobs). */
  readonly vars?: Record<string, string>;
  /** Give up waiting for `/livez` after this long (default 90 s). */
  readonly startTimeoutMs?: number;
  /** Keep the persistence dir after stop (default false). */
  readonly keepState?: boolean;
  /** Run on this persistence directory (a restart after `kill`); it is kept after stop. */
  readonly persistTo?: string;
  /** Another wrangler config (the benchmarks add baseline objects), relative to the repository root. */
  readonly config?: string;
  /** The Worker's entry, relative to the repository root (default: the config's own `main`; with the root config, the test fixtures' Worker). */
  readonly script?: string;
  /** Another project to run (its own wrangler.toml and node_modules), such as a scaffolded app. */
  readonly project?: string;
}

export const E2E_ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef0123456789";
export const E2E_AUTH_SECRET = "e2e-auth-secret-0123456789abcdef0123456789";

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((done) => child.once("exit", () => done()));
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

async function waitForLivez(url: string, child: ChildProcess, deadline: number, logFile: string): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}; see ${logFile}`);
    try {
      const res = await fetch(`${url}/livez`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not answer /livez in time; see ${logFile}`);
}

/**
 * Starts `wrangler dev` on a free port bound to 127.0.0.1, with a throwaway persistence dir and
 * test secrets passed as `--var`, in its own process group; resolves once `/livez` answers.
 * `stop()` kills the whole group (killing only the node pid would leave workerd holding the port).
 */
export async function startWranglerDev(options: WranglerDevOptions = {}): Promise<WranglerDev> {
  const root = options.project ?? resolve(import.meta.dirname, "../../..");
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const state = mkdtempSync(join(tmpdir(), "durable-cluster-e2e-"));
  const persistTo = options.persistTo ?? join(state, "persist");
  const logFile = join(state, "wrangler.log");
  const vars = { ADMIN_TOKEN: E2E_ADMIN_TOKEN, AUTH_SECRET: E2E_AUTH_SECRET, ENVIRONMENT: "development", EVENT_RETRY_BASE_SECONDS: "0", WEBHOOKS_ALLOW_PRIVATE: "true", WEBHOOK_RETRY_SCHEDULE_SCALE: "0.0001", SSE_HEARTBEAT_MS: "1000", REALTIME_LOG_MESSAGES: "100", ...options.vars };
  const script = options.script ?? (options.config || options.project ? undefined : "test/fixtures/worker.ts");
  const args = [join(root, "node_modules/wrangler/bin/wrangler.js"), "dev", ...(script ? [join(root, script)] : []), "--port", String(port), "--ip", "127.0.0.1"];
  args.push("--inspector-port", String(inspectorPort), "--persist-to", persistTo, "--show-interactive-dev-session=false");
  if (options.config) args.push("--config", join(root, options.config));
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  const child = spawn(process.execPath, args, {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1", CI: "1" },
  });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error("wrangler dev did not start");
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    killGroup(pid, "SIGTERM");
    const timer = setTimeout(() => killGroup(pid, "SIGKILL"), 5_000);
    await exited(child);
    clearTimeout(timer);
    killGroup(pid, "SIGKILL");
    if (!options.keepState) rmSync(state, { recursive: true, force: true });
  };
  try {
    await waitForLivez(url, child, Date.now() + (options.startTimeoutMs ?? 90_000), logFile);
  } catch (err) {
    await stop();
    throw err;
  }
  const kill = async () => {
    killGroup(pid, "SIGKILL");
    await exited(child);
  };
  return { url, port, inspectorPort, adminToken: vars.ADMIN_TOKEN, logFile, pid, stop, kill, persistTo };
}

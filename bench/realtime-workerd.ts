import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";

/** The workerd that runs the Worker itself (not wrangler's proxy in front of it). */
export interface UserWorkerd {
  readonly pid: number;
  /** Its entry socket: requests and sockets here skip wrangler's proxy. */
  readonly url: string;
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // the process or thread went away
  }
};

/** Fields after `(comm)` of /proc/<pid>/stat: [state, ppid, pgrp, …]. */
const statFields = (pid: string): string[] => {
  const stat = read(`/proc/${pid}/stat`) ?? "";
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
};

/** TCP ports `pid` listens on: its socket inodes matched against /proc/<pid>/net/tcp LISTEN rows. */
function listeningPorts(pid: string): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (link.startsWith("socket:[")) inodes.add(link.slice(8, -1));
    } catch {
      // closed meanwhile
    }
  }
  const rows = (read(`/proc/${pid}/net/tcp`) ?? "").split("\n").slice(1).map((line) => line.trim().split(/\s+/));
  return rows.filter((f) => f[3] === "0A" && inodes.has(f[9] ?? "")).map((f) => parseInt(f[1]?.split(":")[1] ?? "0", 16));
}

/**
 * Finds the user workerd of `dev`: the workerd in wrangler's process group whose entry socket is
 * not `dev.port` (that one is the proxy), and the port of it that answers `/livez` as the proxy does.
 */
export async function findUserWorkerd(dev: WranglerDev): Promise<UserWorkerd> {
  const expected = await (await fetch(`${dev.url}/livez`)).text();
  const candidates = readdirSync("/proc").filter((p) => /^\d+$/.test(p) && statFields(p)[2] === String(dev.pid));
  for (const pid of candidates) {
    const cmdline = (read(`/proc/${pid}/cmdline`) ?? "").split("\0");
    if (!cmdline[0]?.endsWith("/workerd") || cmdline.some((arg) => arg.includes(`entry=127.0.0.1:${dev.port}`))) continue;
    for (const port of listeningPorts(pid)) {
      const url = `http://127.0.0.1:${port}`;
      try {
        const res = await fetch(`${url}/livez`, { signal: AbortSignal.timeout(2_000) });
        if (res.status === 200 && (await res.text()) === expected) return { pid: Number(pid), url };
      } catch {
        // the inspector, debug or loopback socket
      }
    }
  }
  throw new Error(`no user workerd found in the process group of wrangler dev (pid ${dev.pid})`);
}

/** Whether `pid` still runs (a crashed workerd stays a zombie until wrangler reaps it). */
export const isRunning = (pid: number): boolean => {
  const state = statFields(String(pid))[0];
  return state !== undefined && state !== "" && state !== "Z" && state !== "X";
};

/** Nanoseconds on CPU of every thread of `pid` (first field of /proc/<pid>/task/<tid>/schedstat). */
export function cpuNs(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) total += Number((read(`/proc/${pid}/task/${tid}/schedstat`) ?? "0").split(" ")[0]);
  return total;
}

/** Resident set size of `pid` in KiB (VmRSS of /proc/<pid>/status). */
export function rssKib(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(read(`/proc/${pid}/status`) ?? "")?.[1] ?? Number.NaN);
}

/** The soft limit on open files of this process or of `pid` (a direct socket costs one here, two in workerd). */
export function openFileLimit(pid: number | "self"): number {
  return Number(/Max open files\s+(\d+)/.exec(read(`/proc/${pid}/limits`) ?? "")?.[1] ?? Number.NaN);
}

import { readdirSync, readFileSync } from "node:fs";

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // the process went away
  }
};

/** The process group of a pid (field 5 of /proc/<pid>/stat). */
const groupOf = (pid: string): string | undefined => {
  const stat = read(`/proc/${pid}/stat`);
  return stat?.slice(stat.lastIndexOf(")") + 2).split(" ")[2];
};

/** Resident set size of a process, in KiB (VmRSS), or NaN when it is gone. */
export function rssKib(pid: number): number {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(read(`/proc/${pid}/status`) ?? "");
  return match ? Number(match[1]) : Number.NaN;
}

/**
 * The pid of the workerd that runs the Worker itself behind `wrangler dev` on `port`: wrangler's
 * proxy is the workerd whose command line names `entry=127.0.0.1:<port>`; the user workerd is the
 * other workerd of the same process group (the largest, if there are several). Linux only
 * (/proc); `undefined` when it cannot be found.
 */
export function findUserWorkerd(port: number): number | undefined {
  const workerds = readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .map((pid) => ({ pid, cmd: (read(`/proc/${pid}/cmdline`) ?? "").split("\0") }))
    .filter((p) => p.cmd[0]?.endsWith("/workerd") || p.cmd[0] === "workerd");
  const proxy = workerds.find((p) => p.cmd.some((arg) => arg.includes(`entry=127.0.0.1:${port}`)));
  if (!proxy) return undefined;
  const group = groupOf(proxy.pid);
  const users = workerds.filter((p) => p.pid !== proxy.pid && groupOf(p.pid) === group).map((p) => Number(p.pid));
  return users.sort((a, b) => rssKib(b) - rssKib(a))[0];
}

import { mkdirSync, writeFileSync } from "node:fs";
import WebSocket from "ws";
import type { WranglerDev } from "../test/e2e/harness/wrangler-dev.ts";

/** A V8 CPU profile as the DevTools protocol returns it (the fields used here). */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; scriptId: string }; hitCount?: number }[];
  startTime: number;
  endTime: number;
}

/** One row of a profile's summary: a function (or a module) and its share of the samples. */
export interface ProfileRow {
  readonly name: string;
  readonly share: number;
}

/**
 * Connects to the Worker's V8 through wrangler's inspector proxy (`--inspector-port`), as DevTools
 * does (the proxy wants an Origin of its own host). The user workerd's own inspector is taken by
 * the proxy and answers no second client.
 */
async function connect(dev: WranglerDev): Promise<{ send: (method: string, params?: object) => Promise<unknown>; close: () => void }> {
  const origin = `http://127.0.0.1:${dev.inspectorPort}`;
  const [target] = (await (await fetch(`${origin}/json`)).json()) as { webSocketDebuggerUrl: string }[];
  if (!target) throw new Error("the inspector lists no Worker");
  const ws = new WebSocket(target.webSocketDebuggerUrl, { origin });
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  ws.on("message", (data: Buffer) => {
    const message = JSON.parse(data.toString("utf8")) as { id?: number; result?: unknown };
    // The proxy answers some calls with an echo of the call (no `result`): an answer all the same.
    if (message.id === undefined) return;
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  });
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the inspector did not answer ${method}`)), 60_000);
      pending.set(++id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => ws.close() };
}

const short = (url: string) => url.replace(/^.*?\/(src|node_modules|test|bench)\//, "$1/") || "(native)";

/**
 * Profiles the Worker while `work` runs: V8's sampling profiler through the inspector, every 100 µs.
 * Writes `.bench/<name>.cpuprofile` (open it in Chrome DevTools) and returns the top functions by
 * self time and the top modules, each as a share of all samples.
 */
export async function profile(dev: WranglerDev, name: string, work: () => Promise<void>, top = Number(process.env.PROFILE_TOP ?? 15)): Promise<{ functions: ProfileRow[]; modules: ProfileRow[] }> {
  const { send, close } = await connect(dev);
  await send("Runtime.enable");
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 100 });
  await send("Profiler.start");
  await work();
  const { profile: cpu } = (await send("Profiler.stop")) as { profile: CpuProfile };
  // The bundle wrangler built is the profiled script: its lines say which code a row is.
  await send("Debugger.enable");
  const sources = new Map<string, string[]>();
  for (const scriptId of new Set(cpu.nodes.filter((n) => n.callFrame.url).map((n) => n.callFrame.scriptId))) {
    const { scriptSource } = (await send("Debugger.getScriptSource", { scriptId })) as { scriptSource?: string };
    sources.set(scriptId, (scriptSource ?? "").split("\n"));
  }
  await send("Debugger.disable");
  close();
  const lineOf = (scriptId: string, line: number) => {
    const text = sources.get(scriptId)?.[line]?.trim();
    return text ? `  | ${text.slice(0, 90)}` : "";
  };
  mkdirSync(".bench", { recursive: true });
  writeFileSync(`.bench/${name}.cpuprofile`, JSON.stringify(cpu));
  const total = cpu.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const node of cpu.nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url, lineNumber, scriptId } = node.callFrame;
    const fn = `${functionName || "(anonymous)"} ${short(url)}${url ? `:${lineNumber + 1}` : ""}${lineOf(scriptId, lineNumber)}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
    const module = url ? short(url).replace(/^(node_modules\/(@[^/]+\/)?[^/]+).*$/, "$1") : functionName;
    byModule.set(module, (byModule.get(module) ?? 0) + hits);
  }
  const rows = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([n, hits]) => ({ name: n, share: hits / Math.max(1, total) }));
  return { functions: rows(byFunction), modules: rows(byModule) };
}

export const printProfile = (title: string, p: { functions: ProfileRow[]; modules: ProfileRow[] }): void => {
  console.log(`${title}: top functions by self time`);
  for (const r of p.functions) console.log(`  ${(r.share * 100).toFixed(1).padStart(5)} %  ${r.name}`);
  console.log(`${title}: top modules`);
  for (const r of p.modules) console.log(`  ${(r.share * 100).toFixed(1).padStart(5)} %  ${r.name}`);
};

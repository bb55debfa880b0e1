import { cpuNs } from "./realtime-workerd.ts";
import type { Variant } from "./realtime-variants.ts";
import { record, type Samples } from "./method.ts";

/** Broadcast figures of one variant over a run of rounds. */
export interface BroadcastFigures {
  readonly name: Variant["name"];
  readonly sockets: number;
  /** Publish request sent → last socket has the push, per round (ms). */
  readonly wallMs: number[];
  /** Workerd CPU per delivered push, per round (µs). */
  readonly cpuUs: number[];
  /** Workerd CPU summed over the rounds (ns) and the pushes delivered in them. */
  readonly total: { cpuNs: number; received: number };
  /** Rounds in which fewer than all sockets got the push, as `received/sockets`. */
  readonly short: string[];
}

/** The figures of two runs of the same variant as one. */
export const mergeFigures = (a: BroadcastFigures | undefined, b: BroadcastFigures): BroadcastFigures =>
  a ? { ...a, sockets: Math.min(a.sockets, b.sockets), wallMs: [...a.wallMs, ...b.wallMs], cpuUs: [...a.cpuUs, ...b.cpuUs], total: { cpuNs: a.total.cpuNs + b.total.cpuNs, received: a.total.received + b.total.received }, short: [...a.short, ...b.short] } : b;

let markers = 0;
const nextMarker = () => `mk-${++markers}`;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One broadcast of `variant`: wall time to the last socket and workerd CPU across it. */
async function broadcastOnce(variant: Variant, pid: number): Promise<{ wallMs: number; cpuNs: number; received: number }> {
  const marker = nextMarker();
  const arrived = variant.pool.expect(marker, variant.pool.size);
  const cpuBefore = cpuNs(pid);
  const started = performance.now();
  const [, got] = await Promise.all([variant.broadcast(marker), arrived]);
  return { wallMs: got.lastAt - started, cpuNs: cpuNs(pid) - cpuBefore, received: got.received };
}

/**
 * `rounds` broadcasts per variant after one warm-up each (which also wakes hibernated objects),
 * interleaved: each round runs every variant once, in an order rotated by one per round, so all
 * of them see the same machine load. The per-delivery CPU is summed over the rounds.
 */
export async function broadcastRounds(variants: readonly Variant[], rounds: number, pid: number): Promise<BroadcastFigures[]> {
  const figures = variants.map((v): BroadcastFigures => ({ name: v.name, sockets: v.pool.size, wallMs: [], cpuUs: [], total: { cpuNs: 0, received: 0 }, short: [] }));
  for (const variant of variants) await broadcastOnce(variant, pid);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const index = (round + k) % variants.length;
      const [variant, figure] = [variants[index] as Variant, figures[index] as BroadcastFigures];
      await pause(200);
      const run = await broadcastOnce(variant, pid);
      figure.wallMs.push(run.wallMs);
      figure.cpuUs.push(run.cpuNs / 1000 / Math.max(1, run.received));
      figure.total.cpuNs += run.cpuNs;
      figure.total.received += run.received;
      if (run.received < variant.pool.size) figure.short.push(`${run.received}/${variant.pool.size}`);
    }
  }
  return figures;
}

const LABELS: Record<Variant["name"], string> = { ours: "ours", raw: "raw ws.send loop", partyserver: "PartyServer broadcast()" };

/** A variant's rounds as the common method's samples: CPU per delivery, deliveries per second to the last socket, and that time as the round's latency. */
const samplesOf = (f: BroadcastFigures): Samples => ({ cpu: f.cpuUs, rate: f.wallMs.map((ms) => f.sockets / (ms / 1000)), p50: f.wallMs, p99: f.wallMs });

/** Records ours against the raw loop and against PartyServer (bench/method.ts `record`), after any rounds that fell short. */
export function printBroadcast(title: string, figures: readonly BroadcastFigures[], pid: number): void {
  for (const f of figures) if (f.short.length) console.log(`  ! ${LABELS[f.name]}: SHORT rounds ${f.short.join(" ")}`);
  const ours = figures.find((f) => f.name === "ours");
  if (!ours) return;
  for (const base of figures.filter((f) => f.name !== "ours")) {
    record({ bench: "realtime", label: `${title}, vs ${LABELS[base.name]}: CPU per delivery, latency to the last socket`, unit: "delivery", pid, rounds: ours.cpuUs.length, ours: { name: `${LABELS.ours}, ${ours.sockets} sockets`, samples: samplesOf(ours) }, baseline: { name: `${LABELS[base.name]}, ${base.sockets} sockets`, samples: samplesOf(base) } });
  }
}

/**
 * `samples` single-socket pushes per variant, interleaved (ours, raw, PartyServer, ours, …), each
 * to the next socket of the pool: request sent → that socket has it (ms). Lost pushes are counted.
 */
export async function sendToUserSamples(variants: readonly Variant[], samples: number): Promise<Map<Variant["name"], { ms: number[]; lost: number }>> {
  const results = new Map(variants.map((v) => [v.name, { ms: [] as number[], lost: 0 }]));
  for (let i = 0; i < samples; i++) {
    for (const variant of variants) {
      const marker = nextMarker();
      const arrived = variant.pool.expect(marker, 1, 5_000);
      const started = performance.now();
      const [, got] = await Promise.all([variant.sendTo(i % variant.pool.size, marker), arrived]);
      const result = results.get(variant.name);
      if (got.received === 1) result?.ms.push(got.lastAt - started);
      else if (result) result.lost += 1;
    }
  }
  return results;
}

import { profileOurs } from "./method.ts";
import { broadcastRounds, mergeFigures, printBroadcast, sendToUserSamples, type BroadcastFigures } from "./realtime-measure.ts";
import { connectBaseline, connectOurs, type Target, type Variant } from "./realtime-variants.ts";
import { cpuNs, rssKib } from "./realtime-workerd.ts";
import { fmt, printRatio, summarize } from "./stats.ts";

/** What one size of the benchmark runs against. */
export interface PhasePlan {
  readonly target: Target;
  readonly pid: number;
  readonly n: number;
  /** Users spread over the gateways, and users all in `oneGateway`; `n` of each, tokens for all. */
  readonly spread: readonly string[];
  readonly single: readonly string[];
  readonly tokens: Map<string, string>;
  readonly gateways: number;
  readonly oneGateway: number;
  readonly rounds: number;
  /** Send-to-user samples per variant (0: none). */
  readonly samples: number;
}

type Kind = "raw" | "party" | "spread" | "one";
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function connect(plan: PhasePlan, kind: Kind): Promise<Variant> {
  const { target, n, tokens } = plan;
  if (kind === "spread") return connectOurs(target, plan.spread, tokens, `bench-s-${n}`);
  if (kind === "one") return connectOurs(target, plan.single, tokens, `bench-g-${n}`);
  return connectBaseline(target, kind, `${kind}-${n}`, n, `bench-x-${n}`);
}

/**
 * Connects a variant and reports workerd's RSS growth per 1,000 idle sockets (MiB). workerd keeps
 * the memory of closed sockets and reuses it, so only growth past the previous peak is a cost.
 */
async function measured(plan: PhasePlan, kind: Kind, fresh: boolean): Promise<{ variant: Variant; mibPer1000: number }> {
  const before = rssKib(plan.pid);
  const started = performance.now();
  const variant = await connect(plan, kind);
  await pause(1_000);
  const mibPer1000 = ((rssKib(plan.pid) - before) / 1024 / Math.max(1, variant.pool.size)) * 1000;
  const failed = variant.pool.failures.length ? `, ${variant.pool.failures.length} FAILED (first: ${variant.pool.failures[0]})` : "";
  const rss = fresh ? `workerd RSS +${fmt(mibPer1000, 1)} MiB per 1,000 idle sockets` : `workerd RSS ${fmt(rssKib(plan.pid) / 1024, 0)} MiB (reuses memory of closed sockets)`;
  console.log(`  connected ${kind === "one" ? "ours, one gateway" : variant.name}: ${variant.pool.size} sockets in ${fmt((performance.now() - started) / 1000, 1)} s${failed}; ${rss}`);
  return { variant, mibPer1000 };
}

function reportCloses(variants: readonly Variant[]): void {
  for (const v of variants) if (v.pool.unexpectedCloses > 0) console.log(`  ! ${v.name}: ${v.pool.unexpectedCloses} sockets closed by the server during the run: ${JSON.stringify(Object.fromEntries(v.pool.closeCodes))}`);
}

const titles = (plan: PhasePlan) => ({ spread: `broadcast to ${plan.n} sockets, spread over ${plan.gateways} gateways`, one: `broadcast to ${plan.n} sockets, all in gateway ${plan.oneGateway}` });

/**
 * All three variants connected at once (3·N sockets); every round runs each once, in rotated
 * order. The fresh connections give the RSS figures; send-to-user samples run on these sockets.
 */
export async function interleavedPhase(plan: PhasePlan): Promise<void> {
  console.log(`\nN = ${plan.n}: all variants connected at once, ${plan.rounds} interleaved rounds after one warm-up each (user workerd pid ${plan.pid}, its CPU so far ${fmt(cpuNs(plan.pid) / 1e9, 1)} s)`);
  const raw = await measured(plan, "raw", true);
  const party = await measured(plan, "party", true);
  const ours = await measured(plan, "spread", true);
  printRatio(`  RSS per 1,000 idle sockets (N = ${plan.n}), vs raw`, ours.mibPer1000, raw.mibPer1000, "MiB");
  printRatio(`  RSS per 1,000 idle sockets (N = ${plan.n}), vs PartyServer`, ours.mibPer1000, party.mibPer1000, "MiB");
  const baselines = [raw.variant, party.variant];
  printBroadcast(titles(plan).spread, await broadcastRounds([ours.variant, ...baselines], plan.rounds, plan.pid), plan.pid);
  await profileOurs(`realtime-broadcast-${plan.n}-ours`, async () => void (await broadcastRounds([ours.variant], 3, plan.pid)));
  reportCloses([ours.variant, ...baselines]);
  if (plan.samples > 0) await sendToUser([ours.variant, ...baselines], plan.samples);
  await ours.variant.pool.close();
  const one = await measured(plan, "one", false);
  printBroadcast(titles(plan).one, await broadcastRounds([one.variant, ...baselines], plan.rounds, plan.pid), plan.pid);
  reportCloses([one.variant, ...baselines]);
  await Promise.all([one.variant, ...baselines].map((v) => v.pool.close()));
}

/**
 * One variant connected at a time (N sockets), for when 3·N do not fit the open-file limits:
 * each block connects one variant, warms it up, runs `rounds` broadcasts and closes it; the
 * blocks cycle `cycles` times in an order rotated per cycle, and each variant's rounds are merged.
 */
export async function blockPhase(plan: PhasePlan, capacity: number, cycles = 2): Promise<void> {
  console.log(`\nN = ${plan.n}: 3·N sockets exceed the ${capacity} this machine's open-file limits allow at once, so variants run one at a time in blocks (${plan.rounds} rounds after one warm-up), ${cycles} cycles in rotated order (user workerd pid ${plan.pid})`);
  const kinds: Kind[] = ["raw", "party", "spread", "one"];
  const merged = new Map<Kind, BroadcastFigures>();
  for (let cycle = 0; cycle < cycles; cycle++) {
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(cycle + k) % kinds.length] as Kind;
      const { variant } = await measured(plan, kind, false);
      const [figures] = await broadcastRounds([variant], plan.rounds, plan.pid);
      reportCloses([variant]);
      await variant.pool.close();
      if (figures) merged.set(kind, mergeFigures(merged.get(kind), figures));
    }
  }
  const [raw, party, spread, one] = kinds.map((kind) => merged.get(kind));
  if (!raw || !party || !spread || !one) return;
  printBroadcast(titles(plan).spread, [spread, raw, party], plan.pid);
  printBroadcast(titles(plan).one, [one, raw, party], plan.pid);
}

async function sendToUser(variants: readonly Variant[], samples: number): Promise<void> {
  const results = await sendToUserSamples(variants, samples);
  console.log(`send to one user's socket, ${samples} samples each, interleaved (request sent → socket has it):`);
  for (const [name, r] of results) {
    const s = summarize(r.ms);
    console.log(`  ${name.padEnd(12)} p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms, max ${fmt(s.max)} ms${r.lost ? `, LOST ${r.lost}` : ""}`);
  }
  const [ours, raw, party] = (["ours", "raw", "partyserver"] as const).map((name) => summarize(results.get(name)?.ms ?? []));
  if (!ours || !raw || !party) return;
  printRatio("  send to user p50, vs raw", ours.p50, raw.p50, "ms");
  printRatio("  send to user p99, vs raw", ours.p99, raw.p99, "ms");
  printRatio("  send to user p50, vs PartyServer", ours.p50, party.p50, "ms");
  printRatio("  send to user p99, vs PartyServer", ours.p99, party.p99, "ms");
}

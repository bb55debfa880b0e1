import { listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { clock } from "../clock.ts";
import type { ClusterEnv } from "../env.ts";
import { pendingWork, type PendingWork } from "../shards/pending-work.ts";
import type { VirtualClock } from "./virtual-clock.ts";

export interface SettleOptions {
  /** Give up after this long (default 10 s), with an error naming what is still pending. */
  readonly timeoutMs?: number;
}

/** Each shard's pending work, the shards with any. */
async function pendingShards(env: ClusterEnv): Promise<{ shard: string; work: PendingWork }[]> {
  const busy: { shard: string; work: PendingWork }[] = [];
  for (const id of await listDurableObjectIds(env.SHARDS)) {
    const [name, work] = await runInDurableObject(env.SHARDS.get(id), (_instance: unknown, state: DurableObjectState) => [state.id.name ?? id.toString(), pendingWork(state.storage.sql, clock.now())] as const);
    if (work.outbox + work.inbox + work.jobs + work.held > 0) busy.push({ shard: name, work });
  }
  return busy;
}

const describe = ({ shard, work }: { shard: string; work: PendingWork }): string =>
  `${shard}: ${Object.entries(work)
    .filter(([, n]) => n > 0)
    .map(([what, n]) => `${String(n)} ${what}`)
    .join(", ")}`;

/**
 * Waits until the cluster has nothing left to do now: every due alarm fired (through the virtual
 * clock), every outbox event acknowledged, every inbox message applied, every due job finished and
 * no ordered event held. Time does not move: work scheduled later waits for `clock.advance`.
 */
export async function settled(env: ClusterEnv, clock_: VirtualClock, options: SettleOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  for (;;) {
    const fired = await clock_.runDue();
    const busy = await pendingShards(env);
    const due = clock_.pending().filter((a) => a.at <= clock.now());
    // Quiet twice in a row: a Queue message in flight between two checks shows as an unacknowledged outbox row.
    quiet = fired === 0 && busy.length === 0 && due.length === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return;
    if (Date.now() > deadline) {
      const what = [...busy.map(describe), ...due.map((a) => `${a.binding} ${a.id}: an alarm due at ${new Date(a.at).toISOString()}`)];
      throw new Error(`not settled after ${String(timeoutMs)} ms; still pending: ${what.join("; ") || "alarms firing"}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

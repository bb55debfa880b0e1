import { rmSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startWranglerDev, type WranglerDev } from "./harness/wrangler-dev.ts";

/**
 * A crash mid-load: `wrangler dev` killed with SIGKILL while events are being published and
 * emitted, restarted on the same persistence directory (the local Queue loses what it held), the
 * unacknowledged requests retried with their keys. Every acknowledged event, and every retried one,
 * is applied exactly once, each ordered partition in order, and no stream stays stuck.
 */
const VARS = { EVENT_ACK_TIMEOUT_MS: "2000", EVENT_GAP_TIMEOUT_MS: "3000" };
const run = crypto.randomUUID().slice(0, 8);
const ORDERED = Array.from({ length: 10 }, (_, i) => `crash-${run}-p${i}`);
const COUNTERS = Array.from({ length: 5 }, (_, i) => `crash-${run}-c${i}`);
const TALLIES = Array.from({ length: 3 }, (_, i) => `crash-${run}-t${i}`); // entity-emitted, unordered
const PER_KEY = 40;
const UNORDERED = Array.from({ length: 200 }, (_, i) => 1_000_000 + i);

type Send = () => Promise<boolean>;
let dev: WranglerDev | undefined;
let restarted: WranglerDev | undefined;

const call = async (base: () => string, token: string, path: string, body: unknown, key?: string): Promise<Response> =>
  fetch(`${base()}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });

afterAll(async () => {
  await restarted?.stop();
  await dev?.stop();
  if (dev) rmSync(dirname(dev.persistTo), { recursive: true, force: true });
});

describe("events across a kill -9 of wrangler dev", () => {
  it("applies every acknowledged and every retried event exactly once, in order, with no stream stuck", async () => {
    dev = await startWranglerDev({ vars: VARS });
    const token = dev.adminToken;
    let current = dev;
    const base = () => current.url;
    const ok = (s: number) => s === 200 || s === 202;
    const attempt = (path: string, body: unknown, key: string): Send => async () => {
      try {
        return ok((await call(base, token, path, body, key)).status);
      } catch {
        return false; // the runtime went away mid-request: not acknowledged
      }
    };
    // Per key, one request at a time and in order; keys in parallel. Each send is retried until acknowledged.
    const lanes: Send[][] = [
      ...ORDERED.map((pk) => Array.from({ length: PER_KEY }, (_, i) => attempt("/v1/events", { type: "demo.ping", payload: { n: i + 1 }, partitionKey: pk }, `${pk}-${i + 1}`))),
      ...COUNTERS.map((key) => Array.from({ length: PER_KEY }, (_, i) => attempt(`/v1/entities/Counter/${key}/increment`, { by: 1 }, `${key}-${i + 1}`))),
      ...TALLIES.map((key) => Array.from({ length: PER_KEY }, (_, i) => attempt(`/v1/entities/Counter/${key}/incrementUnordered`, { by: 1 }, `${key}-${i + 1}`))),
      Array.from({ length: 4 }, () => 0).flatMap((_, lane) => UNORDERED.filter((_, i) => i % 4 === lane).map((n) => attempt("/v1/events", { type: "demo.ping", payload: { n } }, `${run}-u${n}`))),
    ];
    const total = lanes.reduce((sum, l) => sum + l.length, 0);
    let acknowledged = 0;
    let crashed = false; // from the kill on, a failed send waits longer before its retry
    const drive = (lane: Send[]) => async () => {
      for (const send of lane) {
        // Not acknowledged (refused, or the runtime went away): retried with the same key, after the restart if it is down.
        while (!(await send())) await new Promise((r) => setTimeout(r, crashed ? 250 : 50));
        acknowledged++;
      }
    };
    const load = Promise.all(lanes.map((lane) => drive(lane)()));
    while (acknowledged < total / 2) await new Promise((r) => setTimeout(r, 20));
    crashed = true;
    await dev.kill();
    const acknowledgedBeforeKill = acknowledged;
    restarted = await startWranglerDev({ vars: VARS, persistTo: dev.persistTo });
    const restartedAt = Date.now();
    current = restarted;
    await load;
    expect(acknowledgedBeforeKill).toBeGreaterThanOrEqual(total / 2);

    const get = async (type: string, key: string): Promise<unknown> => (await call(base, token, `/v1/entities/${type}/${key}/get`, {})).json();
    const deadline = restartedAt + 60_000; // every event applied within 60 s of the restart
    const stuckStreams = async () => ((await (await fetch(`${base()}/v1/events/streams?stuck=true`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: unknown[] }).items;
    const settled = async () => {
      const pings = (await Promise.all(ORDERED.map((pk) => get("PingLog", pk)))) as { ns: number[] }[];
      const stats = (await Promise.all(COUNTERS.map((key) => get("CounterStats", key)))) as { values: number[] }[];
      const tallies = (await Promise.all(TALLIES.map((key) => get("CounterStats", key)))) as { values: number[] }[];
      const loose = (await get("PingLog", "default")) as { ns: number[] };
      return { pings, stats, tallies, loose: loose.ns.filter((n) => n >= 1_000_000), stuck: await stuckStreams() };
    };
    let state = await settled();
    const complete = (s: typeof state) =>
      s.pings.every((p) => p.ns.length >= PER_KEY) && [...s.stats, ...s.tallies].every((c) => c.values.length >= PER_KEY) && s.loose.length >= UNORDERED.length && s.stuck.length === 0;
    while (!complete(state) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1_000));
      state = await settled();
    }
    const inOrder = Array.from({ length: PER_KEY }, (_, i) => i + 1);
    for (const p of state.pings) expect(p.ns).toEqual(inOrder);
    for (const c of state.stats) expect(c.values).toEqual(inOrder);
    for (const t of state.tallies) expect([...t.values].sort((a, b) => a - b)).toEqual(inOrder);
    expect([...state.loose].sort((a, b) => a - b)).toEqual(UNORDERED);
    expect(state.stuck).toEqual([]);
  }, 240_000);
});

import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { testCluster } from "durable-cluster/testing";
import { expect, it } from "vitest";
import { clock, clockControl } from "../../src/clock.ts";
import { Counter } from "../../templates/app/src/index.ts";

/**
 * Run by `npm run bench -- testing` (bench/testing-kit.ts), inside workerd: the scaffold's hourly
 * task through simulated days, by `clock.advance` (ours) and by the plugin's primitive driven by
 * hand (move the clock an hour, `runDurableObjectAlarm` on the singleton: the baseline), rounds
 * alternated. Prints one `[bench]` JSON line per round; and the cost of `clock.now()` against `Date.now()`.
 */
const t = testCluster(env);
const ticks = async () => (await t.router.to(Counter).request("ticks", "get", {})).value;
const ROUNDS = 5;
const DAYS = 2;

it("advances days of an hourly task", async () => {
  await t.clock.runDue(); // arms the task
  const singleton = env.SINGLETONS.get(env.SINGLETONS.idFromName("default"));
  for (let round = 0; round < ROUNDS; round++) {
    for (const arm of round % 2 === 0 ? ["ours", "baseline"] : ["baseline", "ours"]) {
      const before = await ticks();
      const started = performance.now();
      let alarms = 24 * DAYS;
      if (arm === "ours") alarms = await t.clock.advance(`${String(DAYS)} days`);
      else
        for (let h = 0; h < 24 * DAYS; h++) {
          clockControl.moveTo(Math.ceil((clock.now() + 1) / 3_600_000) * 3_600_000);
          await runDurableObjectAlarm(singleton);
        }
      const ms = performance.now() - started;
      const fired = (await ticks()) - before;
      expect(fired).toBe(24 * DAYS);
      console.log(`[bench] ${JSON.stringify({ arm, round, ticks: fired, alarms, msPerTick: ms / fired })}`);
    }
  }
});

it("reads the clock", () => {
  const N = 2_000_000;
  clockControl.release(); // as in production: the wall clock plus an offset (0 there)
  for (const [arm, read] of [["clock.now()", () => clock.now()], ["Date.now()", () => Date.now()], ["clock.now()", () => clock.now()], ["Date.now()", () => Date.now()]] as const) {
    let sink = 0;
    const started = performance.now();
    for (let i = 0; i < N; i++) sink += read() & 1;
    console.log(`[bench] ${JSON.stringify({ arm, reads: N, nsPerRead: ((performance.now() - started) * 1e6) / N, sink })}`);
  }
});

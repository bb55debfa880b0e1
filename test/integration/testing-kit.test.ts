import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { testCluster } from "../../src/testing/index.ts";
import { Counter } from "../fixtures/app/counter.ts";
import { FailingJob, FlakyJob } from "../fixtures/app/jobs.ts";
import { DemoPing, PingLog } from "../fixtures/app/pings.ts";
import { cluster } from "../fixtures/worker.ts";
import { admin, BASE } from "./helpers.ts";

/** `durable-cluster/testing` on the test Worker: the virtual clock drives schedules, delays, retries and leases. */
const t = testCluster(env, cluster);
const value = async (key: string) => (await t.router.to(Counter).request(key, "get", {})).value;
const pings = async (key: string) => (await t.router.to(PingLog).request(key, "get", {})).ns;

describe("the virtual clock", () => {
  it("fires a task's ticks in an advanced hour, exactly as many as its schedule has (every 10 minutes: 6)", async () => {
    const before = await value("heartbeat");
    const start = t.clock.now();
    await t.clock.advance("1 hour");
    expect(t.clock.now()).toBeGreaterThanOrEqual(start + 3_600_000);
    expect(await value("heartbeat")).toBe(before + 6);
    await t.clock.advance("30 minutes");
    expect(await value("heartbeat")).toBe(before + 9);
  });

  it("fires a task registered over HTTP every 2 s exactly 5 times in 10 s, each tick applied once", async () => {
    const key = `kit-every2s-${String(Date.now())}`;
    const task = `${BASE}/v1/singletons/kit/tasks/every2s`;
    const put = await exports.default.fetch(task, {
      method: "PUT",
      headers: admin({ "content-type": "application/json" }),
      body: JSON.stringify({ schedule: { every: "2s" }, action: { type: "entity", entityType: "Counter", key, message: "increment", input: { by: 1 } } }),
    });
    expect(put.status).toBe(201);
    await t.clock.advance("10 seconds");
    const runs = (await (await exports.default.fetch(`${task}/runs`, { headers: admin() })).json<{ runs: { tickId: string; status: string }[] }>()).runs;
    expect(runs.map((r) => r.status)).toEqual(Array.from({ length: 5 }, () => "succeeded"));
    expect(new Set(runs.map((r) => r.tickId)).size).toBe(5);
    expect(await value(key)).toBe(5);
    expect((await exports.default.fetch(task, { method: "DELETE", headers: admin() })).status).toBe(204);
  });

  it("runs a delayed job when its time comes, not before", async () => {
    const job = await t.jobs.submit(FlakyJob, { failures: 0 }, { delayMs: 2 * 3_600_000 });
    await t.clock.advance("1 hour");
    expect((await t.jobs.get(job.id)).status).toBe("pending");
    await t.clock.advance("1 hour");
    expect((await t.jobs.get(job.id)).status).toBe("completed");
  });

  it("retries a failing job on its backoff (10 s doubling to 60 s) until it is dead", async () => {
    const job = await t.jobs.submit(FailingJob, {}, { maxAttempts: 4 });
    await t.settled();
    expect((await t.jobs.get(job.id)).attempts).toBe(1);
    await t.clock.advance("5 minutes");
    expect(await t.jobs.get(job.id)).toMatchObject({ status: "dead", attempts: 4 });
  });

  it("forgets a notify's message id once its dedup window has passed, by the alarm that prunes it", async () => {
    const add = async () => {
      await t.router.to(Counter).notify("dedup-window", "increment", { by: 1 }, { messageId: "once-a-minute", dedupRetentionMs: 60_000 });
      await t.settled();
    };
    const value = async () => (await t.router.to(Counter).request("dedup-window", "get", {})).value;
    await add();
    await t.clock.advance("59 seconds");
    await add();
    expect(await value()).toBe(1);
    await t.clock.advance("2 seconds");
    await add();
    expect(await value()).toBe(2);
  });
});

describe("faults", () => {
  it("an entity evicted mid-test keeps its state", async () => {
    await t.router.to(Counter).request("evicted", "increment", { by: 2 });
    await t.evict(Counter, "evicted");
    await t.router.to(Counter).request("evicted", "increment", { by: 3 });
    expect(await value("evicted")).toBe(5);
  });

  it("a duplicated delivery with one message id is applied once", async () => {
    t.duplicateNextDelivery(Counter);
    await t.router.to(Counter).request("dup", "increment", { by: 1 }, { messageId: "dup-1" });
    await t.expectExactlyOnce(() => value("dup"));
    t.duplicateNextDelivery(Counter);
    await t.router.to(Counter).request("dup-no-id", "increment", { by: 1 });
    expect(await value("dup-no-id")).toBe(2); // without an id, a duplicate is a second message
  });

  it("an event whose Queue send failed, or whose message was dropped, still reaches its subscriber once", async () => {
    t.failNextQueueSend(1);
    await t.events.publish(DemoPing, { n: 1 }, { partitionKey: "kit-fail" });
    await t.settled(); // the failed send waits for its retry, a second later: nothing to do now
    expect(await pings("kit-fail")).toEqual([]);
    await t.clock.advance("2 minutes"); // the outbox sends again what was not acknowledged
    await t.expectExactlyOnce(() => pings("kit-fail"));
    t.dropQueueMessages(1);
    await t.events.publish(DemoPing, { n: 2 }, { partitionKey: "kit-drop" });
    t.dropQueueMessages(0);
    await t.clock.advance("2 minutes");
    await t.expectExactlyOnce(() => pings("kit-drop"));
  });

  it("a failed alarm is retried: a notify waiting for its retry is still applied", async () => {
    const key = "kit-alarmed";
    await t.router.to(PingLog).request(key, "block", { n: 1 });
    await t.router.to(PingLog).notify(key, "apply", { n: 1 });
    await t.settled(); // its first attempt failed; the retry waits for the clock
    await t.router.to(PingLog).request(key, "unblock", { n: 1 });
    t.failNextAlarm({ entity: PingLog, key });
    await t.clock.advance("10 seconds"); // the retry's alarm throws, and runs again 2 s later
    expect(t.pendingFaults()).toEqual([]);
    expect(await pings(key)).toEqual([1]);
  });

  it("a task's failed alarm is retried by the virtual clock within the window", async () => {
    const before = await value("heartbeat");
    t.failNextAlarm({ singleton: "default" });
    expect(t.pendingFaults()).toHaveLength(1);
    await t.clock.advance("10 minutes");
    expect(t.pendingFaults()).toEqual([]);
    expect(await value("heartbeat")).toBe(before + 1);
  });

  it("a crash after a subscriber's effect: the event is delivered again and applied once", async () => {
    t.crashAfterEffect("ping-log");
    await t.events.publish(DemoPing, { n: 7 }, { partitionKey: "kit-crash" });
    await t.clock.advance("1 minute");
    await t.expectExactlyOnce(() => pings("kit-crash"));
  });

  it("settled() names what is still pending when it gives up", async () => {
    await t.router.to(PingLog).request("kit-blocked", "block", { n: 9 });
    await t.events.publish(DemoPing, { n: 9 }, { partitionKey: "kit-blocked" });
    await expect(t.settled({ timeoutMs: 500 })).rejects.toThrow(/^not settled after 500 ms; still pending: EventBus\/\d+: 1 outbox$/);
    await t.router.to(PingLog).request("kit-blocked", "unblock", { n: 9 });
    await t.clock.advance("10 minutes");
    await t.expectExactlyOnce(() => pings("kit-blocked"));
  });
});

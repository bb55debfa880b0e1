import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { queueFaultStats, setQueueFaults } from "../../src/events/queue-faults.ts";
import { relayOutbox, type EventQueue } from "../../src/events/relay.ts";
import { ackOutbox, pendingEvent, writeOutbox } from "../../src/storage/outbox.ts";
import { freshKey, rows, send, shardStub } from "./entity-helpers.ts";
import { api, eventually, pingLog } from "./event-helpers.ts";

const ACK_TIMEOUT = 60_000; // the default: these tests move time by moving rows, never by waiting
const publish = (pk: string, n: number) => api("/v1/events", { method: "POST", headers: { "idempotency-key": `${pk}-${n}` }, body: { type: "demo.ping", payload: { n }, partitionKey: pk } });

/** A Queue that counts what it is given and delivers nothing. */
function countingQueue(): EventQueue & { messages: number } {
  const queue = { messages: 0, sendBatch: (batch: Iterable<unknown>) => Promise.resolve(void (queue.messages += [...batch].length)) };
  return queue;
}

/** Runs `work` on the outbox of a fresh Counter shard. */
async function inOutbox<T>(work: (sql: SqlStorage) => Promise<T>): Promise<T> {
  const key = freshKey("owed");
  await send("Counter", key, "get");
  return runInDurableObject(shardStub("Counter", key), async (_o, state) => {
    try {
      return await work(state.storage.sql);
    } finally {
      state.storage.sql.exec("DELETE FROM outbox");
    }
  });
}

/** Time travel for one producer: what it still owes is due now; its alarm sends it again. */
async function resendOwed(owner: string): Promise<void> {
  const stub = shardStub("EventBus", owner);
  await runInDurableObject(stub, (_o, state) => void state.storage.sql.exec("UPDATE outbox SET next_attempt_at = 0 WHERE acked_at IS NULL AND sent_at IS NOT NULL"));
  await runDurableObjectAlarm(stub);
}

describe("owed outbox rows", () => {
  it("relays 250 events through one owner as exactly 250 Queue messages, each owed until acknowledged", async () => {
    const queue = countingQueue();
    const owed = await inOutbox(async (sql) => {
      writeOutbox(sql, "test", Array.from({ length: 250 }, (_, n) => pendingEvent("demo.ping", { n }, { scope: "cluster", partitionKey: "p250" })), Date.now());
      const { sent } = await relayOutbox(sql, { queue, ackTimeoutMs: ACK_TIMEOUT, deadLetter: () => Promise.reject(new Error("not expected")) }, "test");
      return { sent, rows: sql.exec<{ n: number; sends: number; owed: number }>("SELECT COUNT(*) AS n, MAX(sends) AS sends, SUM(acked_at IS NULL) AS owed FROM outbox").one() };
    });
    expect(queue.messages).toBe(250);
    expect(owed).toEqual({ sent: 250, rows: { n: 250, sends: 1, owed: 250 } });
  });

  it("sends again, once the ack timeout passed and with a doubling wait, only the rows no consumer acknowledged", async () => {
    const queue = countingQueue();
    const [acked, lost] = [pendingEvent("demo.ping", { n: 1 }, { scope: "cluster" }), pendingEvent("demo.ping", { n: 2 }, { scope: "cluster" })];
    const after = await inOutbox(async (sql) => {
      writeOutbox(sql, "test", [acked, lost], Date.now());
      const targets = { queue, ackTimeoutMs: ACK_TIMEOUT, deadLetter: () => Promise.reject(new Error("not expected")) };
      await relayOutbox(sql, targets, "test");
      const first = sql.exec<{ next_attempt_at: number }>("SELECT next_attempt_at FROM outbox WHERE event_id = ?", lost.eventId).one().next_attempt_at;
      expect(ackOutbox(sql, [acked.eventId, "evt_unknown"], Date.now())).toBe(1);
      await relayOutbox(sql, targets, "test"); // nothing is due yet
      const sentBefore = queue.messages;
      sql.exec("UPDATE outbox SET next_attempt_at = 0"); // the ack timeout passed
      await relayOutbox(sql, targets, "test");
      const row = sql.exec<{ sends: number; next_attempt_at: number; sent_at: number }>("SELECT sends, next_attempt_at, sent_at FROM outbox WHERE event_id = ?", lost.eventId).one();
      return { first, sentBefore, row };
    });
    expect(after.sentBefore).toBe(2);
    expect(queue.messages).toBe(3); // the lost one again, the acknowledged one not
    // The ack timeout, ±20 % jitter; then twice it (the wait doubles).
    expect(after.first - Date.now()).toBeGreaterThan(0.8 * ACK_TIMEOUT - 5_000);
    expect(after.first - Date.now()).toBeLessThanOrEqual(1.2 * ACK_TIMEOUT);
    expect(after.row.sends).toBe(2);
    expect(after.row.next_attempt_at - Date.now()).toBeGreaterThan(1.6 * ACK_TIMEOUT - 5_000);
    expect(after.row.next_attempt_at - Date.now()).toBeLessThanOrEqual(2.4 * ACK_TIMEOUT);
  });
  it("sends a best-effort event once: it is settled by its send, never sent again", async () => {
    const queue = countingQueue();
    const row = await inOutbox(async (sql) => {
      writeOutbox(sql, "test", [pendingEvent("demo.ping", { n: 1 }, { scope: "cluster", deliverySemantics: "best-effort" })], Date.now());
      const targets = { queue, ackTimeoutMs: ACK_TIMEOUT, deadLetter: () => Promise.reject(new Error("not expected")) };
      await relayOutbox(sql, targets, "test");
      sql.exec("UPDATE outbox SET next_attempt_at = 0");
      await relayOutbox(sql, targets, "test");
      return sql.exec<{ sends: number; settled: number }>("SELECT sends, acked_at IS NOT NULL AS settled FROM outbox").one();
    });
    expect(queue.messages).toBe(1);
    expect(row).toEqual({ sends: 1, settled: 1 });
  });
});

describe("events through a Queue that loses 10% of its messages", () => {
  it("applies every acknowledged event exactly once, each ordered partition in order, and leaves nothing owed", async () => {
    const keys = Array.from({ length: 4 }, () => freshKey("lossy"));
    setQueueFaults({ dropShare: 0.1 });
    try {
      await Promise.all(keys.map(async (pk) => {
        for (let n = 1; n <= 50; n++) expect((await publish(pk, n)).status).toBe(202);
      }));
      await eventually(async () => {
        const logs = await Promise.all(keys.map((pk) => pingLog(pk)));
        if (logs.every((l) => l.applied >= 50)) return true;
        await Promise.all(keys.map((pk) => resendOwed(pk)));
        return false;
      }, 60_000);
      expect(queueFaultStats().dropped).toBeGreaterThan(0);
    } finally {
      setQueueFaults(null);
    }
    for (const pk of keys) {
      const log = await pingLog(pk);
      expect(log.ns).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(log.applied).toBe(50);
      expect(await rows("PingLog", pk, "SELECT seq FROM order_held WHERE entity_key = ?", pk)).toEqual([]);
    }
    // Every row acknowledged (the last acknowledgements may trail the effects by a moment).
    await eventually(async () => (await Promise.all(keys.map((pk) => rows<{ n: number }>("EventBus", pk, "SELECT COUNT(*) AS n FROM outbox WHERE acked_at IS NULL")))).every(([r]) => r?.n === 0), 10_000);
  }, 120_000);
});


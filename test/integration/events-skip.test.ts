import { describe, expect, it } from "vitest";
import { freshKey, rows, send } from "./entity-helpers.ts";
import { api, consume, ping, pingLog } from "./event-helpers.ts";

// Filtered by key: other tests' keys may share the PingLog shard.
const held = (key: string) => rows("PingLog", key, "SELECT seq FROM order_held WHERE stream LIKE '%' || ? || '%' ORDER BY seq", key);
const next = async (key: string) => (await rows<{ next_seq: number }>("PingLog", key, "SELECT next_seq FROM order_streams WHERE stream LIKE '%' || ? || '%'", key))[0]?.next_seq;

describe("deleting the dead letter of a sequenced event (delete = skip)", () => {
  it("advances the subscriber's stream past it and applies the events it held", async () => {
    const key = freshKey("skip");
    const producer = `prod-${key}`;
    const [e1, e2, e3] = [1, 2, 3].map((n) => ping(n, { partitionKey: key, sequence: n, producer }));
    await send("PingLog", key, "block", { n: 2 });
    await consume("events", [e1]);
    expect((await consume("events", [e2], 6)).retried).toBe(1);
    await consume("events", [e3]);
    expect(await held(key)).toEqual([{ seq: 3 }]);
    expect(await consume("events-dlq", [e2], 6)).toMatchObject({ acked: 1 });

    expect((await api(`/v1/events/dead/${e2?.eventId ?? ""}:ping-log`, { method: "DELETE" })).status).toBe(204);
    expect((await pingLog(key)).ns).toEqual([1, 3]);
    expect(await held(key)).toEqual([]);
    expect(await next(key)).toBe(4);
    expect((await api(`/v1/events/dead/${e2?.eventId ?? ""}:ping-log`, { method: "DELETE" })).status).toBe(404);
  });

  it("marks a sequence the stream has not reached yet and passes it when it is next", async () => {
    const key = freshKey("skip-ahead");
    const producer = `prod-${key}`;
    const [e1, e2, e3, e4] = [1, 2, 3, 4].map((n) => ping(n, { partitionKey: key, sequence: n, producer }));
    await consume("events", [e1]);
    expect(await consume("events-dlq", [e3])).toMatchObject({ acked: 1 }); // dead for every subscription (subscription: null)

    expect((await api(`/v1/events/dead/${e3?.eventId ?? ""}`, { method: "DELETE" })).status).toBe(204);
    expect(await next(key)).toBe(2);
    await consume("events", [e4]);
    expect(await held(key)).toEqual([{ seq: 3 }, { seq: 4 }]);
    await consume("events", [e2]);
    expect((await pingLog(key)).ns).toEqual([1, 2, 4]);
    expect(await held(key)).toEqual([]);
    expect(await next(key)).toBe(5);
  });
});

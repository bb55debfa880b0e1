import { listDurableObjectIds } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventually } from "../eventually.ts";
import { freshKey, send } from "./entity-helpers.ts";
import { BASE } from "./helpers.ts";
import { api } from "./event-helpers.ts";
import type { ActivitySnapshot } from "../../src/spec/index.ts";
import { ACTIVITY_OBJECT } from "../../src/activity/report.ts";
import { MAX_ACTIVITY_FOLLOWERS } from "../../src/activity/stream.ts";

/**
 * `GET /v1/activity` and its stream: what shards report (in a runtime of its own, so the counts
 * are exactly this file's): messages by type, failures by code, events by type, active shards.
 */
const snapshot = async () => (await api("/v1/activity")).json<ActivitySnapshot>();
const typeRow = (s: ActivitySnapshot, type: string) => s.lastMinute.byType.find((t) => t.type === type);

describe("the cluster's activity", () => {
  it("needs the admin token", async () => {
    for (const path of ["/v1/activity", "/v1/activity/stream"]) expect((await exports.default.fetch(`${BASE}${path}`)).status, path).toBe(401);
  });

  it("answers an empty snapshot before any shard reported, without creating the activity object", async () => {
    const before = (await listDurableObjectIds(env.SINGLETONS)).length;
    const s = await snapshot();
    expect(s.lastMinute).toEqual({ messages: 0, errors: 0, activeShards: 0, byType: [], errorsByCode: [], events: [] });
    expect(s.series).toHaveLength(90);
    const stream = await api("/v1/activity/stream");
    expect(await stream.text()).toMatch(/^event: activity\nid: \d+\ndata: \{.*\}\n\n$/);
    expect((await listDurableObjectIds(env.SINGLETONS)).length).toBe(before);
  });

  it("counts messages by type, failures by code and events by type, within about a second", async () => {
    const counter = freshKey("activity"), account = freshKey("activity");
    for (let i = 0; i < 5; i++) expect((await send("Counter", counter, "increment", { by: 1 })).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await send("Account", account, "withdraw", { amount: 10 })).status).toBe(409);
    await eventually(async () => {
      const s = await snapshot();
      return typeRow(s, "Counter")?.messages === 5 && typeRow(s, "Account")?.messages === 2;
    });
    const s = await snapshot();
    expect(s.lastMinute.errorsByCode).toContainEqual({ code: "insufficient_funds", count: 2 });
    expect(s.lastMinute.events).toContainEqual({ type: "counter.incremented", count: 5 });
    expect(typeRow(s, "Counter")?.activeShards).toBe(1);
    expect(s.lastMinute.activeShards).toBeGreaterThanOrEqual(2);
    expect(s.series).toHaveLength(90);
    expect(s.series.reduce((sum, p) => sum + p.messagesPerSecond * 10, 0)).toBeGreaterThanOrEqual(7);
    expect(s.series.reduce((sum, p) => sum + p.errorsPerSecond * 10, 0)).toBe(2);
  });

  it("sums the owed outbox rows the shards last reported", async () => {
    const activity = env.SINGLETONS.get(env.SINGLETONS.idFromName(ACTIVITY_OBJECT));
    await eventually(async () => (await snapshot()).outbox.owed === 0); // this file's own events, acknowledged
    const before = (await snapshot()).outbox;
    await activity.recordActivity([{ shard: "Counter/900", messages: 0, errors: {}, events: {}, owed: 4 }]);
    expect((await snapshot()).outbox).toEqual({ owed: before.owed + 4, shards: before.shards + 1 });
    await activity.recordActivity([{ shard: "Counter/900", messages: 0, errors: {}, events: {}, owed: 0 }]);
    expect((await snapshot()).outbox).toEqual(before);
  });

  it("streams a snapshot at once and then each second", async () => {
    const res = await api("/v1/activity/stream");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    const frames: ActivitySnapshot[] = [];
    let buffer = "";
    while (frames.length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const parts = buffer.split("\n\n");
      buffer = parts.pop() ?? "";
      for (const frame of parts) {
        expect(frame).toMatch(/^event: activity\nid: \d+\ndata: /);
        frames.push(JSON.parse(frame.slice(frame.indexOf("data: ") + 6)) as ActivitySnapshot);
      }
    }
    await reader.cancel();
    expect(frames).toHaveLength(2);
    expect((frames[1]?.at ?? 0) - (frames[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it(`refuses follower ${String(MAX_ACTIVITY_FOLLOWERS + 1)} with 429, and takes one again once a follower left`, async () => {
    const followers = await Promise.all(Array.from({ length: MAX_ACTIVITY_FOLLOWERS }, () => api("/v1/activity/stream")));
    expect(followers.map((r) => r.status)).toEqual(Array.from({ length: MAX_ACTIVITY_FOLLOWERS }, () => 200));
    const refused = await api("/v1/activity/stream");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(await refused.json()).toMatchObject({ code: "rate_limited" });
    await followers[0]?.body?.cancel();
    let again: Response | undefined;
    await eventually(async () => {
      await again?.body?.cancel();
      again = await api("/v1/activity/stream");
      return again.status === 200;
    });
    for (const follower of [...followers.slice(1), again]) await follower?.body?.cancel();
  });
});

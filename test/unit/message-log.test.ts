import { describe, expect, it } from "vitest";
import { GATEWAY_MIGRATIONS } from "../../src/realtime/gateway-schema.ts";
import { MessageLog, topicStream, userStream } from "../../src/realtime/message-log.ts";
import { ServedTopics } from "../../src/realtime/served-topics.ts";

/** The bits of node:sqlite used here (typed locally: this project's unit tests compile against the Workers types, not Node's). */
interface Statement {
  columns(): unknown[];
  all(...bindings: (string | number | null)[]): unknown[];
  run(...bindings: (string | number | null)[]): { changes: number | bigint };
}
interface Database {
  exec(sql: string): void;
  prepare(sql: string): Statement;
}
const { DatabaseSync } = (globalThis as unknown as { process: { getBuiltinModule(id: string): unknown } }).process.getBuiltinModule("node:sqlite") as { DatabaseSync: new (path: string) => Database };

/** The part of SqlStorage the log uses, over node:sqlite (in memory, the gateway's migrations applied). */
function sqlStorage(): SqlStorage {
  const db = new DatabaseSync(":memory:");
  for (const m of GATEWAY_MIGRATIONS) db.exec(m.sql);
  const exec = (query: string, ...bindings: (string | number | null)[]) => {
    const statement = db.prepare(query);
    const rows = statement.columns().length > 0 ? (statement.all(...bindings) as Record<string, unknown>[]) : [];
    const rowsWritten = statement.columns().length > 0 ? 0 : Number(statement.run(...bindings).changes);
    return { toArray: () => rows, one: () => rows[0], rowsWritten, [Symbol.iterator]: () => rows[Symbol.iterator]() };
  };
  return { exec } as unknown as SqlStorage;
}

const msg = (seq: number, stream: string) => ({ seq, stream, event: "message", params: JSON.stringify({ data: seq, seq }) });

describe("message log", () => {
  it("keeps the last N messages per stream and raises the stream's floor to the highest trimmed seq", () => {
    const log = new MessageLog(sqlStorage(), { messages: 3, ms: 60_000 });
    for (let seq = 1; seq <= 6; seq++) log.append(msg(seq, userStream("a")), 1000);
    log.append(msg(7, userStream("b")), 1000);
    expect(log.size(userStream("a"))).toBe(3);
    expect(log.floorOf(userStream("a"))).toBe(3);
    expect(log.floorOf(userStream("b"))).toBe(0);
    expect(log.since([userStream("a")], 0).map((m) => m.seq)).toEqual([4, 5, 6]);
  });

  it("drops messages older than the age bound and raises the age floor", () => {
    const log = new MessageLog(sqlStorage(), { messages: 100, ms: 1_000 });
    log.append(msg(1, userStream("a")), 0);
    log.append(msg(2, topicStream("news")), 500);
    log.append(msg(3, userStream("a")), 1_800);
    log.pruneByAge(2_000);
    expect(log.ageFloor()).toBe(2);
    expect(log.since([userStream("a"), topicStream("news")], 0).map((m) => m.seq)).toEqual([3]);
  });

  it("selects the messages of several streams after an id, in seq order", () => {
    const log = new MessageLog(sqlStorage(), { messages: 100, ms: 60_000 });
    [userStream("a"), topicStream("x"), userStream("b"), topicStream("x"), userStream("a")].forEach((s, i) => log.append(msg(i + 1, s), 0));
    expect(log.since([userStream("a"), topicStream("x")], 1).map((m) => m.seq)).toEqual([2, 4, 5]);
  });

  it("logs a topic while followed and for the window after; a skip past the window moves its coverage", () => {
    const served = new ServedTopics(sqlStorage(), 1_000);
    expect(served.shouldLog("x", false, 0, 0)).toBe(false);
    expect(served.loggedFrom("x")).toBeUndefined();
    served.touch("x", 4, 0);
    expect(served.loggedFrom("x")).toBe(4);
    expect(served.shouldLog("x", false, 5, 900)).toBe(true);
    expect(served.shouldLog("x", false, 6, 1_100)).toBe(false);
    expect(served.loggedFrom("x")).toBe(7);
    expect(served.shouldLog("x", true, 6, 1_200)).toBe(true);
    expect(served.shouldLog("x", false, 7, 2_100)).toBe(true);
  });
});

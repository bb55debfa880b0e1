import { createParser, type EventSourceMessage } from "eventsource-parser";
import { describe, expect, it } from "vitest";
import { encodeComment, encodeEvent, encodeRetry, sanitizeField } from "../../src/realtime/sse-encoder.ts";

/** Parses a stream with an independent parser (eventsource-parser). */
function parse(text: string): { events: EventSourceMessage[]; retry: number[]; comments: string[] } {
  const out = { events: [] as EventSourceMessage[], retry: [] as number[], comments: [] as string[] };
  const parser = createParser({ onEvent: (e) => out.events.push(e), onRetry: (r) => out.retry.push(r), onComment: (c) => out.comments.push(c) });
  parser.feed(text);
  return out;
}

describe("SSE encoder", () => {
  it("splits multi-line data on LF, CRLF and CR into data lines that parse back to the same text joined by LF", () => {
    const text = encodeEvent({ id: 7, event: "message", data: "one\ntwo\r\nthree\rfour" });
    expect(text).toBe("event: message\nid: 7\ndata: one\ndata: two\ndata: three\ndata: four\n\n");
    expect(parse(text).events).toEqual([{ id: "7", event: "message", data: "one\ntwo\nthree\nfour" }]);
  });

  it("strips CR, LF and NUL from ids and event names so they cannot inject fields", () => {
    expect(sanitizeField("1\r\n2\0 3\n")).toBe("12 3");
    const text = encodeEvent({ id: "5\ndata: injected", event: "x\r\nid: 9", data: "d" });
    expect(parse(text).events).toEqual([{ id: "5data: injected", event: "xid: 9", data: "d" }]);
  });

  it("encodes an empty data field as one empty data line", () => {
    expect(encodeEvent({ data: "" })).toBe("data: \n\n");
  });

  it("writes comments and retry hints that dispatch no event", () => {
    const parsed = parse(`${encodeRetry(2000)}${encodeComment()}${encodeComment("two\nlines")}`);
    expect(parsed).toEqual({ events: [], retry: [2000], comments: ["", "two", "lines"] });
  });
});

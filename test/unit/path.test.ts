import { describe, expect, it } from "vitest";
import { pathOf } from "../../src/http/path.ts";

describe("pathOf", () => {
  it("reads the path of a URL as URL does", () => {
    for (const url of ["https://h.test/v1/events", "http://127.0.0.1:8787/livez?verbose", "https://h.test/", "https://h.test", "https://h.test/a/b#frag", "https://h.test/ws/u1?token=a/b?c"]) {
      expect(pathOf(url), url).toBe(new URL(url).pathname);
    }
  });
});

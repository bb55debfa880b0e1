import { describe, expect, it } from "vitest";
import pkg from "../../package.json";
import { SERVICE } from "../../src/http/routes/health.ts";

describe("the package", () => {
  it("reports its own version in /health", () => {
    expect(SERVICE.version).toBe(pkg.version);
  });

  it("exports the library, the client, the testing kit and nothing deeper", () => {
    expect(Object.keys(pkg.exports)).toEqual([".", "./client", "./testing", "./package.json"]);
  });
});

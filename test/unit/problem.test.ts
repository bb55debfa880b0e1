import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, toAppError, validationError } from "../../src/http/errors.ts";
import { ERROR_CATALOGUE, problemOf, problemType, ProblemSchema } from "../../src/spec/index.ts";

describe("error catalogue", () => {
  it("gives every code a 4xx/5xx status and a title", () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(600);
      expect(entry.title.length, code).toBeGreaterThan(0);
    }
  });

  it("builds RFC 9457 bodies whose type names the code", () => {
    const body = problemOf("mailbox_full", "shard 3 is full", { instance: "/v1/x" });
    expect(ProblemSchema.parse(body)).toEqual({
      type: "urn:durable-cluster:problem:mailbox_full",
      title: "Mailbox full",
      status: 429,
      code: "mailbox_full",
      detail: "shard 3 is full",
      instance: "/v1/x",
    });
    expect(problemType("not_found")).toBe("urn:durable-cluster:problem:not_found");
  });
});

describe("mapping errors to problems", () => {
  it("keeps an AppError's code, status and headers", () => {
    const err = toAppError(new AppError("rate_limited", "slow down", { headers: { "Retry-After": "2" } }));
    expect([err.code, err.status, err.headers["Retry-After"]]).toEqual(["rate_limited", 429, "2"]);
  });

  it("turns a zod error into 400 validation_failed listing the failing paths", () => {
    const result = z.object({ by: z.number().int(), items: z.array(z.string()) }).safeParse({ by: "x", items: ["a", 2] });
    if (result.success) throw new Error("expected a failure");
    const err = toAppError(result.error);
    expect(err.status).toBe(400);
    expect(err.code).toBe("validation_failed");
    expect(err.extra.errors?.map((e) => e.path)).toEqual(["by", "items.1"]);
  });

  it("prefixes paths and names where the input failed", () => {
    const result = z.object({ a: z.string() }).safeParse({});
    if (result.success) throw new Error("expected a failure");
    const err = validationError(result.error, "body", ["input"]);
    expect(err.message).toBe("invalid body: input.a: Invalid input: expected string, received undefined");
  });

  it("maps hono's malformed JSON exception to 400 malformed_json and a 413 to payload_too_large", () => {
    expect(toAppError(new HTTPException(400, { message: "Malformed JSON in request body" })).code).toBe("malformed_json");
    expect(toAppError(new HTTPException(413)).code).toBe("payload_too_large");
  });

  it("hides the message of an unknown error behind 500 internal", () => {
    const err = toAppError(new Error("secret database password in message"));
    expect(err.status).toBe(500);
    expect(err.message).not.toContain("password");
  });
});

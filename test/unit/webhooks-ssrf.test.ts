import { describe, expect, it } from "vitest";
import { AppError } from "../../src/spec/index.ts";
import { sendAttempt } from "../../src/webhooks/attempt.ts";
import { assertUrl } from "../../src/webhooks/endpoints.ts";

const refusal = (url: string, allowPrivate = false): unknown => {
  try {
    assertUrl(url, allowPrivate);
    return undefined;
  } catch (err) {
    return err;
  }
};

describe("webhook URLs and the SSRF guard", () => {
  it.each(["http://127.0.0.1/hook", "http://169.254.169.254/latest/meta-data", "https://10.0.0.1/", "https://[::1]/", "http://example.com/hook", "https://100.64.0.1/", "https://metadata.google.internal/"])(
    "refuses %s at registration with a 400 on the path url",
    (url) => {
      const err = refusal(url);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(400);
      expect((err as AppError).toProblem()).toMatchObject({ code: "validation_failed", errors: [{ path: "url" }] });
    },
  );

  it("accepts public https URLs, and http://127.0.0.1 only with WEBHOOKS_ALLOW_PRIVATE", () => {
    expect(refusal("https://hooks.example.com/in")).toBeUndefined();
    expect(refusal("http://127.0.0.1:9999/in", true)).toBeUndefined();
  });

  it("checks the URL again at each attempt: a refused URL fails without a request", async () => {
    let called = false;
    const outcome = await sendAttempt({ url: "https://10.0.0.1/", eventId: "evt_1", body: "{}", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], allowPrivate: false }, () => ((called = true), Promise.resolve(new Response(null))), Date.now);
    expect(called).toBe(false);
    expect(outcome).toMatchObject({ ok: false, statusCode: null, gone: false });
    expect(outcome.error).toMatch(/url refused/);
  });

  it("sends Standard Webhooks headers, does not follow redirects, and treats a 3xx as a failure", async () => {
    let seen: Request | undefined;
    const outcome = await sendAttempt({ url: "https://hooks.example.com/in", eventId: "evt_2", body: '{"a":1}', secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], allowPrivate: false }, (request) => ((seen = request), Promise.resolve(new Response(null, { status: 302, headers: { location: "http://127.0.0.1/" } }))), Date.now);
    expect(seen?.redirect).toBe("manual");
    expect(seen?.headers.get("webhook-id")).toBe("evt_2");
    expect(seen?.headers.get("content-type")).toBe("application/json");
    expect(seen?.headers.get("webhook-signature")).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(outcome).toMatchObject({ ok: false, statusCode: 302, error: "HTTP 302" });
  });
});

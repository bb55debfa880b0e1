import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import cluster, { Counter } from "../src/index.ts";

const admin = { authorization: `Bearer ${env.ADMIN_TOKEN}`, "content-type": "application/json" };

describe("Counter", () => {
  it("adds over HTTP and through the typed router", async () => {
    const res = await exports.default.fetch("https://app.test/v1/entities/Counter/c1/increment", { method: "POST", headers: admin, body: JSON.stringify({ by: 2 }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ value: 2 });
    expect(await cluster.router(env).to(Counter).request("c1", "increment", { by: 3 })).toMatchObject({ value: 5 });
  });

  it("applies a repeated message id once", async () => {
    const send = () => exports.default.fetch("https://app.test/v1/entities/Counter/c2/increment", { method: "POST", headers: { ...admin, "idempotency-key": "once" }, body: JSON.stringify({ by: 1 }) });
    await send();
    const again = await send();
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await cluster.router(env).to(Counter).request("c2", "get", {})).toMatchObject({ value: 1 });
  });
});

import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SagaPage } from "../../src/spec/index.ts";
import { BASE } from "./helpers.ts";
import { api, fresh, fund, runToEnd } from "./saga-helpers.ts";

/** `GET /v1/sagas`: instances newest first over every saga-log shard, by name and status, paged. */
const list = async (query: string) => {
  const res = await api("GET", `/v1/sagas?${query}`);
  expect(res.status).toBe(200);
  return res.json<SagaPage>();
};

describe("the saga list", () => {
  it("lists instances newest first, filters by status, and pages with a cursor", async () => {
    const [a, b] = [fresh("acct"), fresh("acct")];
    await fund(a, 100);
    const done: string[] = [];
    for (let i = 0; i < 3; i++) done.push((await runToEnd("transfer", { from: a, to: b, amount: 1, currency: "EUR" })).id);
    const failed = (await runToEnd("transfer", { from: a, to: b, amount: 1, currency: "EUR", failDeposit: true })).id;

    // Other files' sagas share this runtime: every page is read, at two page sizes, and must agree.
    const everything = async (limit: number) => {
      const seen: SagaPage["items"] = [];
      let cursor: string | null = null;
      do {
        const page: SagaPage = await list(`name=transfer&limit=${String(limit)}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`);
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null);
      return seen;
    };
    const all = await everything(100);
    const ours = all.filter((r) => [...done, failed].includes(r.instanceId));
    expect(ours.map((r) => r.instanceId).sort()).toEqual([...done, failed].sort());
    expect(ours.find((r) => r.instanceId === failed)?.status).toBe("compensated");
    const created = all.map((r) => r.createdAt);
    expect(created).toEqual([...created].sort((x, y) => y - x));
    expect((await everything(7)).map((r) => r.instanceId)).toEqual(all.map((r) => r.instanceId));
    expect((await list("name=transfer&status=compensated&limit=100")).items.every((r) => r.status === "compensated")).toBe(true);
    expect((await list("name=transfer&status=completed&limit=100")).items.map((r) => r.instanceId)).not.toContain(failed);
  }, 120_000);

  it("needs the admin token, and refuses a bad filter or cursor with 400", async () => {
    expect((await exports.default.fetch(`${BASE}/v1/sagas`)).status).toBe(401);
    for (const query of ["status=lost", "limit=0", "limit=101", "cursor=not-a-cursor", "name=Bad_Name"]) {
      const res = await api("GET", `/v1/sagas?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type"), query).toContain("application/problem+json");
    }
  });
});

import { describe, expect, it } from "vitest";
import { JOB_SHARDS, newJobId } from "../../src/jobs/job-id.ts";
import { exports } from "cloudflare:workers";
import { JobStatusSchema, type JobPage, type JobStats, type JobView } from "../../src/spec/index.ts";
import { BASE } from "./helpers.ts";
import { countJobs, jobsApi, shardRows, submit, until, view } from "./job-helpers.ts";

type Listed = { id: string; created_at: number };

/** Every page of `GET /v1/jobs?<query>`, following nextCursor to its end. */
async function allPages(query: string): Promise<JobPage[]> {
  const pages: JobPage[] = [];
  for (let cursor: string | null = null; pages.length === 0 || cursor !== null; ) {
    const res = await jobsApi(`?${query}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`);
    expect(res.status).toBe(200);
    const page = await res.json<JobPage>();
    pages.push(page);
    cursor = page.nextCursor;
    if (pages.length > 100) throw new Error("the cursor never ends");
  }
  return pages;
}

/** The stored rows matching `where`, over every job shard, in the documented order: (createdAt, id). */
async function storedInOrder(where: string, ...params: SqlStorageValue[]): Promise<string[]> {
  const rows = (await Promise.all(Array.from({ length: JOB_SHARDS }, (_, s) => shardRows<Listed>(s, `SELECT id, created_at FROM jobs WHERE ${where}`, ...params)))).flat();
  return rows.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((r) => r.id);
}

const byCreatedThenId = (a: JobView, b: JobView) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe("GET /v1/jobs pagination", () => {
  it("lists every pending demo.echo job exactly once across pages of 4, oldest first, and no other job", async () => {
    const far = Date.now() + 3_600_000;
    const wanted = new Set<string>();
    for (let i = 0; i < 23; i++) wanted.add((await submit({ type: "demo.echo", input: { message: `p${i}` }, runAt: far })).id);
    // Decoys: the same type with another status, another type with the same status.
    for (let i = 0; i < 5; i++) await submit({ type: "demo.greet", input: { name: `g${i}` }, runAt: far });
    for (let i = 0; i < 3; i++) expect((await jobsApi(`/${(await submit({ type: "demo.echo", input: { message: `c${i}` }, runAt: far })).id}`, { method: "DELETE" })).status).toBe(200);

    const pages = await allPages("status=pending&type=demo.echo&limit=4");
    const items = pages.flatMap((p) => p.items);
    expect(pages).toHaveLength(Math.ceil(wanted.size / 4));
    expect(pages.slice(0, -1).every((p) => p.items.length === 4 && p.nextCursor !== null)).toBe(true);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(items.every((j) => j.status === "pending" && j.type === "demo.echo")).toBe(true);
    expect(new Set(items.map((j) => j.id)).size).toBe(items.length);
    expect(new Set(items.map((j) => j.id))).toEqual(wanted);
    expect(items).toEqual([...items].sort(byCreatedThenId));
    // The pages are the stored rows, in the stored order.
    expect(items.map((j) => j.id)).toEqual(await storedInOrder("status = 'pending' AND type = 'demo.echo'"));
  });

  it("splits jobs created in the same millisecond on different shards across pages by id, losing none", async () => {
    // 3 jobs on each of 8 shards with one created_at (so every page boundary falls inside the tie), plus 4 older ones.
    const tie = Date.now() - 60_000;
    const far = Date.now() + 3_600_000;
    const insert = "INSERT INTO jobs (id, type, input, status, max_attempts, budget, run_at, created_at, updated_at) VALUES (?, 'demo.greet', '{\"name\":\"t\"}', 'pending', 5, 5, ?, ?, ?)";
    for (let shard = 0; shard < 8; shard++) for (let i = 0; i < 3; i++) await shardRows(shard, insert, newJobId(shard), far, tie, tie);
    for (let shard = 8; shard < 12; shard++) await shardRows(shard, insert, newJobId(shard), far, tie - 1, tie - 1);

    for (const limit of [1, 5, 7, 200]) {
      const pages = await allPages(`status=pending&type=demo.greet&limit=${limit}`);
      const ids = pages.flatMap((p) => p.items.map((j) => j.id));
      expect(ids).toEqual(await storedInOrder("status = 'pending' AND type = 'demo.greet'"));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeGreaterThanOrEqual(28);
      expect(pages.every((p) => p.items.length <= limit)).toBe(true);
    }
  });

  it("answers an empty last page with no cursor when the filter matches nothing", async () => {
    const res = await jobsApi("?status=running&type=demo.failing&limit=3");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [], nextCursor: null });
  });
});

describe("GET /v1/jobs/stats", () => {
  const stats = async () => {
    const res = await jobsApi("/stats");
    expect(res.status).toBe(200);
    return (await res.json<JobStats>()).byStatus;
  };

  it("refuses a request without the admin token", async () => {
    const res = await exports.default.fetch(`${BASE}/v1/jobs/stats`);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  it("counts the jobs of every status over every job shard, as stored", async () => {
    const before = await stats();
    const far = Date.now() + 3_600_000;
    for (let i = 0; i < 3; i++) await submit({ type: "demo.echo", input: { message: `s${i}` }, runAt: far });
    for (let i = 0; i < 2; i++) expect((await jobsApi(`/${(await submit({ type: "demo.greet", input: { name: `c${i}` }, runAt: far })).id}`, { method: "DELETE" })).status).toBe(200);
    const dead = await submit({ type: "demo.flaky", input: { failures: 0, fatal: true } });
    const done = await submit({ type: "demo.echo", input: { message: "done" } });
    await until(async () => (await view(dead.id)).status === "dead" && (await view(done.id)).status === "completed");

    const after = await stats();
    expect(Object.keys(after).sort()).toEqual([...JobStatusSchema.options].sort());
    expect(after).toEqual({ ...before, pending: before.pending + 3, cancelled: before.cancelled + 2, dead: before.dead + 1, completed: before.completed + 1 });
    for (const status of JobStatusSchema.options) expect(after[status], status).toBe(await countJobs("status = ?", status));
  });
});

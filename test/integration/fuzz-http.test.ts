import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admin, BASE } from "./helpers.ts";
import { api } from "./event-helpers.ts";
import { counterTask } from "./singleton-helpers.ts";
import { bundle, deploy, register, task } from "./tenant-helpers.ts";
import { createEndpoint } from "./webhook-helpers.ts";
import { digest, edgeBody, firstDifference, FUZZ_SEED, fuzzBody, mutatedBody, settled, withDeadline, type FuzzBody } from "./fuzz-inputs.ts";

/** Bodies in all: at least 5,000 over every body-taking route of the API document. */
const TOTAL_BODIES = 5_000;
/** Of which bodies refused at the edge whatever the route. */
const EDGE_BODIES = 1_000;
const DEADLINE_MS = 10_000;

type Operation = { method: string; path: string };

/** A valid body per route (the rest take `{}`): phase 2 mutates them, so bodies get past the first checks into handlers. */
const SAMPLES: Record<string, unknown> = {
  "POST /v1/entities/Counter/{key}/increment": { by: 1 },
  "POST /v1/entities/Account/{key}/deposit": { amount: 5 },
  "POST /v1/entities/Account/{key}/withdraw": { amount: 1 },
  "POST /v1/entities/Inventory/{key}/reserve": { qty: 1 },
  "PUT /v1/singletons/{name}/tasks/{taskId}": counterTask("fuzz-key"),
  "POST /v1/events": { type: "demo.job-requested", payload: { message: "hi" }, partitionKey: "fuzz" },
  "POST /v1/jobs": { type: "demo.echo", input: { message: "hi" }, delayMs: 3_600_000, maxAttempts: 2 },
  "POST /v1/auth/tokens": { sub: "fuzz-user", ttlSeconds: 60 },
  "POST /v1/users/{user}/messages": { data: { hello: [1, "two"] } },
  "POST /v1/topics/{topic}/messages": { data: { hello: [1, "two"] } },
  "POST /v1/tenants/{tenant}/webhooks": { url: "https://hooks.example.com/x", events: ["demo.ping"], description: "d" },
  "PATCH /v1/tenants/{tenant}/webhooks/{id}": { description: "x", rateLimitPerSecond: 5 },
  "POST /v1/tenants": { id: "fuzz-tenant", name: "F", plan: "free" },
  "POST /v1/tenants/{tenant}/keys": { scope: "read-only", name: "k" },
  "POST /v1/tenants/{tenant}/deployments": bundle([task]),
  "POST /v1/tenants/{tenant}/objects/{object}/records": { title: "t", points: 1, done: false },
  "PATCH /v1/tenants/{tenant}/objects/{object}/records/{recordId}": { title: "u" },
  "POST /v1/events/streams/{stream}/skip": { sequence: 1 },
};

/** Path parameters that exist, so a body is judged on its own merits and not refused for its path. */
function fill(path: string, ids: Record<string, string>): string {
  const value = (name: string): string => {
    if (name === "type") return "Counter";
    if (name === "message") return path.startsWith("/v1/broadcast") ? "stats" : "increment";
    if (name === "name") return path.startsWith("/v1/sagas") ? "transfer" : "fuzzsingleton";
    if (name === "id") return ids.webhook ?? "wh_missing";
    return ids[name] ?? `fuzz-${name}`;
  };
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(value(name)));
}

/** Runs `work` over `items`, eight at a time. */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>, width = 8): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++] as T);
  }));
}

async function sendBody(op: Operation, url: string, body: FuzzBody): Promise<number | "hung"> {
  const headers = admin(body.contentType === null ? {} : { "content-type": body.contentType });
  return withDeadline(exports.default.fetch(url, { method: op.method, headers, body: body.body }).then(async (res) => (await res.arrayBuffer(), res.status)), DEADLINE_MS);
}

describe("fuzz: request bodies over every body-taking route", () => {
  it(`answers ${TOTAL_BODIES}+ hostile bodies with 4xx (2xx when valid), never 5xx, never hangs; a refused body writes nothing`, async () => {
    const { tenant } = await register();
    await deploy(tenant.id, bundle([task]));
    const record = await (await api(`/v1/tenants/${tenant.id}/objects/task/records`, { method: "POST", body: { title: "fuzz" } })).json<{ id: string }>();
    const webhook = await createEndpoint(tenant.id, { events: ["demo.ping"] }); // an event the fuzz never emits: no deliveries in the background
    expect((await api("/v1/singletons/fuzzsingleton/tasks/t1", { method: "PUT", body: counterTask("fuzz-key") })).status).toBe(201);
    expect((await api("/v1/entities/Counter/fuzz-key/increment", { method: "POST", body: { by: 1 } })).status).toBe(200);
    const ids = { tenant: tenant.id, recordId: record.id, webhook: webhook.id, object: "task", key: "fuzz-key", taskId: "t1", user: "fuzz-user", topic: "fuzz.topic", stream: "fuzz-stream" };

    const doc = await (await exports.default.fetch(`${BASE}/openapi.json`)).json<{ paths: Record<string, Record<string, { requestBody?: unknown }>> }>();
    const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).filter(([, op]) => op.requestBody !== undefined).map(([method, _op]) => ({ method: method.toUpperCase(), path })));
    expect(operations.length).toBeGreaterThan(40);
    const perRoute = Math.ceil(EDGE_BODIES / operations.length);
    const counts = { requests: 0, edgeRefused: 0, refused: 0, accepted: 0, serverErrors: 0, hung: 0, refusedReplayed: 0 };
    const byKind = new Map<string, number>();
    const failures: string[] = [];
    const send = async (op: Operation, url: string, body: FuzzBody): Promise<number | "hung"> => {
      const status = await sendBody(op, url, body);
      counts.requests++;
      byKind.set(body.kind, (byKind.get(body.kind) ?? 0) + 1);
      if (status === "hung") counts.hung++;
      else if (status >= 500) counts.serverErrors++;
      if (status === "hung" || status >= 500) failures.push(`${op.method} ${op.path} [${body.kind}] → ${status}: ${String(body.body).slice(0, 120)}`);
      return status;
    };

    // Phase 1: bodies refused at the edge (malformed, too deep, too large, wrong type): nothing is written, no object is even created.
    let before = await settled();
    for (const [index, op] of operations.entries()) {
      const url = BASE + fill(op.path, ids);
      await inParallel(fc.sample(edgeBody, { numRuns: perRoute, seed: FUZZ_SEED + index }), async (body) => {
        const status = await send(op, url, body);
        if (status !== "hung" && status >= 400 && status < 500) counts.edgeRefused++;
        else failures.push(`${op.method} ${op.path} [${body.kind}]: answered ${status}, not 4xx`);
      });
    }
    let after = await digest();
    if (after !== before) failures.push(`a body refused at the edge changed state: ${firstDifference(before, after)}`);

    // Phase 2: any body (wrong types, huge numbers, __proto__, shallow nesting, a valid body with one thing wrong). Valid ones write.
    const refused: { op: Operation; url: string; body: FuzzBody }[] = [];
    const perRouteAny = Math.ceil((TOTAL_BODIES - EDGE_BODIES) / operations.length);
    for (const [index, op] of operations.entries()) {
      const url = BASE + fill(op.path, ids);
      const sample = SAMPLES[`${op.method} ${op.path}`] ?? {};
      await inParallel(fc.sample(fc.oneof(fuzzBody, mutatedBody(sample)), { numRuns: perRouteAny, seed: FUZZ_SEED + 1_000 + index }), async (body) => {
        const status = await send(op, url, body);
        if (status === "hung" || status >= 500) return;
        if (status < 400) counts.accepted++;
        else {
          counts.refused++;
          refused.push({ op, url, body });
        }
      });
    }
    // ...then, once the cluster is quiet, the refused ones again: they must write nothing at all.
    before = await settled();
    await inParallel(refused, async ({ op, url, body }) => {
      const status = await sendBody(op, url, body);
      counts.refusedReplayed++;
      if (status === "hung" || status < 400 || status >= 500) failures.push(`${op.method} ${op.path} [${body.kind}]: refused, then answered ${status}`);
    });
    after = await digest();
    if (after !== before) failures.push(`a refused body changed state: ${firstDifference(before, after)}`);

    console.log(`[report] fuzz http (seed ${FUZZ_SEED}): ${JSON.stringify({ routes: operations.length, ...counts })}; bodies by kind ${JSON.stringify(Object.fromEntries(byKind))}`);
    expect(failures).toStrictEqual([]);
    expect(counts.requests).toBeGreaterThanOrEqual(TOTAL_BODIES);
    expect(counts.serverErrors + counts.hung).toBe(0);
  }, 120_000);
});

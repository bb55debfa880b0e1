import { listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";

/** The seed of every sample, printed by the suites so a failure can be replayed. */
export const FUZZ_SEED = 20_261_202;

/** A request body as a client might send it: any bytes, any content type (or none). */
export interface FuzzBody {
  readonly kind: string;
  readonly contentType: string | null;
  readonly body: string | Uint8Array;
}

/** Field names the platform's schemas use, so generated objects reach deep into validation. */
const FIELDS = ["type", "input", "payload", "amount", "by", "schedule", "action", "every", "cron", "url", "events", "manifest", "version", "objects", "fields", "name", "id", "plan", "sub", "ttlSeconds", "tenant", "data", "message", "topic", "topics", "to", "key", "scope", "partitionKey", "tenantId", "sequence", "delayMs", "runAt", "maxAttempts", "title", "done", "points", "entityType", "kind", "scopes", "description", "disabled", "rateLimitPerSecond", "allowDestructive", "from", "currency"];

const hostile = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, -0, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_VALUE, Number.MIN_VALUE, "", " ", "\u0000", "\ud800", "🚀".repeat(100), "a".repeat(70_000), "__proto__", "constructor", "<script>", "' OR 1=1 --", "../../etc/passwd", "http://127.0.0.1/", "http://localhost../", "1e999", "NaN"),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 150 }),
);

const fieldObject = fc.dictionary(fc.constantFrom(...FIELDS, "__proto__", "constructor"), fc.oneof(hostile, fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.constantFrom(...FIELDS), hostile, { maxKeys: 4 })), { maxKeys: 8 });

/** Arrays and objects nested `depth` deep, optionally under one of the fields that carry user data. */
const nested = (depths: number[]) => fc.record({ depth: fc.constantFrom(...depths), shape: fc.constantFrom("array", "object", "mixed"), under: fc.constantFrom(null, "input", "payload", "data", "objects") }).map(({ depth, shape, under }) => {
  let open = "";
  let close = "";
  for (let i = 0; i < depth; i++) {
    const object = shape === "object" || (shape === "mixed" && i % 2 === 1);
    open += object ? '{"a":' : "[";
    close = (object ? "}" : "]") + close;
  }
  const value = `${open}1${close}`;
  return under === null ? value : `{"${under}":${value}}`;
});
const deep = nested([63, 64, 65, 66, 100, 1_000, 5_000, 20_000]);

const hugeNumbers = fc.tuple(fc.constantFrom(...FIELDS), fc.constantFrom("1e999", "-1e999", "1e308", "123456789012345678901234567890", "9007199254740993", "-0", "0.0000000000000000000001", "1E+400")).map(([field, number]) => `{"${field}":${number}}`);

const prototypes = fc.constantFrom('{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', '{"input":{"__proto__":{"by":5}}}', '{"payload":{"__proto__":null}}', '{"__proto__":[]}', '[{"__proto__":{"x":1}}]', '{"data":{"constructor":{"prototype":{"polluted":1}}}}');

const json = (kind: string) => (text: string): FuzzBody => ({ kind, contentType: "application/json", body: text });

/** Bodies a careless or hostile client sends: wrong types, deep nesting, huge numbers, `__proto__`, empty and wrong content types. */
export const fuzzBody: fc.Arbitrary<FuzzBody> = fc.oneof(
  { weight: 8, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? "null").map(json("json value")) },
  { weight: 7, arbitrary: fieldObject.map((v) => JSON.stringify(v)).map(json("wrong types")) },
  { weight: 3, arbitrary: deep.map(json("deep nesting")) },
  { weight: 3, arbitrary: hugeNumbers.map(json("huge number")) },
  { weight: 2, arbitrary: prototypes.map(json("__proto__")) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<FuzzBody>(
      { kind: "empty", contentType: "application/json", body: "" },
      { kind: "empty", contentType: null, body: "" },
      { kind: "whitespace", contentType: "application/json", body: "   \n" },
      { kind: "odd charset", contentType: "application/json; charset=utf-16", body: "{}" },
      { kind: "invalid utf-8", contentType: "application/json", body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
      { kind: "bom", contentType: "application/json", body: "\ufeff{}" },
    ),
  },
);

/**
 * Bodies refused at the edge whatever the route (malformed, mis-typed, too deep, too large, not
 * UTF-8), before any Durable Object is contacted: sending them must not even create an object.
 */
export const edgeBody: fc.Arbitrary<FuzzBody> = fc.oneof(
  nested([65, 66, 100, 1_000, 5_000, 20_000]).map(json("deep nesting")),
  fc.constantFrom<FuzzBody>(
    { kind: "truncated", contentType: "application/json", body: '{"type":' },
    { kind: "truncated", contentType: "application/json", body: "[1,2" },
    { kind: "wrong content type", contentType: "text/plain", body: '{"type":"x"}' },
    { kind: "wrong content type", contentType: "application/x-www-form-urlencoded", body: "type=x&input=1" },
    { kind: "wrong content type", contentType: "multipart/form-data; boundary=x", body: "--x\r\n\r\n--x--" },
    { kind: "no content type", contentType: null, body: '{"type":"x"}' },
    { kind: "nul bytes", contentType: "application/json", body: '{"a":"\u0000"}\u0000' },
    { kind: "too large", contentType: "application/json", body: `{"data":"${"x".repeat(1_048_576)}"}` },
  ),
);

/** Every path to a value inside `value` (the root is `[]`). */
function pathsOf(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const here = [at];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...at, i]))];
  if (value !== null && typeof value === "object") return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...at, k]))];
  return here;
}

function mutate(sample: unknown, path: (string | number)[], op: "replace" | "delete" | "extra", value: unknown, field: string): unknown {
  const copy = structuredClone(sample);
  const addTo = (target: unknown) => {
    if (target !== null && typeof target === "object" && !Array.isArray(target)) Object.defineProperty(target, field, { value, enumerable: true, configurable: true, writable: true }); // `__proto__` as an own key
  };
  if (path.length === 0) return op === "replace" ? value : op === "delete" ? null : (addTo(copy), copy);
  let parent = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (op === "replace") parent[last] = value;
  else if (op === "extra") addTo(parent[last]);
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return copy;
}

/** A valid body with one thing wrong: a value replaced (any type), a field deleted, or an unknown one (`__proto__` too) added. */
export function mutatedBody(sample: unknown): fc.Arbitrary<FuzzBody> {
  const paths = pathsOf(sample);
  return fc
    .tuple(fc.constantFrom(...paths), fc.constantFrom<"replace" | "delete" | "extra">("replace", "replace", "delete", "extra"), fc.oneof(hostile, fc.jsonValue({ maxDepth: 2 })), fc.constantFrom(...FIELDS, "__proto__", "constructor"))
    .map(([path, op, value, field]) => json(`mutated (${op})`)(JSON.stringify(mutate(sample, path, op, value, field)) ?? "null"));
}

type Namespace = DurableObjectNamespace<Rpc.DurableObjectBranded | undefined>;
const NAMESPACES: Record<string, Namespace> = { SHARDS: env.SHARDS, SINGLETONS: env.SINGLETONS, GATEWAYS: env.GATEWAYS, TENANTS: env.TENANTS };

const cell = (v: unknown) => (v instanceof ArrayBuffer ? `0x${[...new Uint8Array(v)].map((b) => b.toString(16).padStart(2, "0")).join("")}` : v);

/** Every object of every namespace with every row of every table: two equal digests mean nothing was written. */
export async function digest(): Promise<string> {
  const parts: string[] = [];
  for (const [label, namespace] of Object.entries(NAMESPACES)) {
    for (const id of (await listDurableObjectIds(namespace)).map(String).sort()) {
      const dump = await runInDurableObject(namespace.get(namespace.idFromString(id)), (_instance, state) => {
        const sql = state.storage.sql;
        const tables = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\' ORDER BY name").toArray();
        return tables.map(({ name }) => `${name}: ${JSON.stringify(sql.exec(`SELECT * FROM "${name}"`).toArray().map((row) => Object.values(row).map(cell)))}`).join("\n");
      });
      parts.push(`${label}/${id}\n${dump}`);
    }
  }
  return parts.join("\n\n");
}

/** Waits until background work (outbox relays, Queue consumers, alarms) has stopped writing: two equal digests 1.2 s apart (a Queue batch waits up to 1 s). */
export async function settled(timeoutMs = 15_000): Promise<string> {
  const started = Date.now();
  let last = await digest();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const next = await digest();
    if (next === last) return next;
    if (Date.now() - started > timeoutMs) throw new Error("the cluster kept writing: it never settled");
    last = next;
  }
}

/** The first line that differs between two digests (for a readable failure). */
export function firstDifference(a: string, b: string): string {
  const x = a.split("\n");
  const y = b.split("\n");
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return `line ${i}: ${(x[i] ?? "").slice(0, 300)}  ≠  ${(y[i] ?? "").slice(0, 300)}`;
  return "none";
}

/** Resolves with `work`'s result, or with "hung" after `ms`. */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | "hung"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([work, new Promise<"hung">((resolve) => (timer = setTimeout(() => resolve("hung"), ms)))]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}

import { SocketPool } from "./realtime-sockets.ts";

/** One way of holding N sockets and pushing to them: ours, the raw loop, or PartyServer. */
export interface Variant {
  readonly name: "ours" | "raw" | "partyserver";
  readonly pool: SocketPool;
  /** One push carrying `marker` to every socket of the pool; resolves with the server's answer. */
  broadcast(marker: string): Promise<void>;
  /** One push carrying `marker` to socket `i` of the pool only. */
  sendTo(i: number, marker: string): Promise<void>;
}

/** Where the benchmark talks to the user workerd directly (HTTP and WebSocket). */
export interface Target {
  readonly url: string;
  readonly adminToken: string;
}

const wsUrl = (url: string) => url.replace(/^http/, "ws");

async function post(target: Target, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${target.url}${path}`, { method: "POST", headers: { Authorization: `Bearer ${target.adminToken}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** `POST /v1/auth/tokens` for each user, 16 at a time. */
export async function mintTokens(target: Target, users: readonly string[]): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const sub = users[next++] as string;
      tokens.set(sub, (await post(target, "/v1/auth/tokens", { sub, ttlSeconds: 7200 })).token as string);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return tokens;
}

/**
 * Ours: each user's socket on `/ws/<user>?token=`, subscribed to `topic`; a broadcast is
 * `POST /v1/topics/{topic}/messages` (G gateway calls), a send is `POST /v1/users/{user}/messages`.
 */
export async function connectOurs(target: Target, users: readonly string[], tokens: Map<string, string>, topic: string): Promise<Variant> {
  const pool = await SocketPool.connect(users.map((user) => ({ url: `${wsUrl(target.url)}/ws/${user}?token=${tokens.get(user) ?? ""}`, subscribe: topic })));
  const check = (answer: Record<string, unknown>, want: number) => {
    if (answer.delivered !== want) console.warn(`  ! ours answered delivered=${String(answer.delivered)}, expected ${want}`);
  };
  return {
    name: "ours",
    pool,
    broadcast: async (marker) => check(await post(target, `/v1/topics/${topic}/messages`, { data: { m: marker } }), pool.size),
    sendTo: async (i, marker) => check(await post(target, `/v1/users/${users[i] ?? ""}/messages`, { data: { m: marker } }), 1),
  };
}

/**
 * A baseline object (`raw` or `party`) named `object`, holding `count` sockets named `u<i>`
 * (a raw socket's tag, a PartyServer connection id); pushes go through the bench Worker's
 * `/_bench/<kind>/<object>/…` routes: one RPC to the object, like ours makes one per gateway.
 */
export async function connectBaseline(target: Target, kind: "raw" | "party", object: string, count: number, topic: string): Promise<Variant> {
  const headers = { Authorization: `Bearer ${target.adminToken}` };
  const param = kind === "raw" ? "tag" : "_pk";
  const pool = await SocketPool.connect(Array.from({ length: count }, (_, i) => ({ url: `${wsUrl(target.url)}/_bench/${kind}/${object}?${param}=u${i}`, headers })));
  return {
    name: kind === "raw" ? "raw" : "partyserver",
    pool,
    broadcast: async (marker) => void (await post(target, `/_bench/${kind}/${object}/push`, { topic, data: { m: marker } })),
    sendTo: async (i, marker) => void (await post(target, `/_bench/${kind}/${object}/send/u${i}`, { data: { m: marker } })),
  };
}

/** Identity of a socket, kept in its attachment so it survives hibernation. */
export interface SocketIdentity {
  readonly user: string;
  readonly tenant?: string;
  readonly connId: string;
  readonly protocol: "json" | "msgpack";
  readonly connectedAt: number;
}

const identities = new WeakMap<WebSocket, SocketIdentity>();

/**
 * The identity of an accepted socket: its attachment, deserialized once per socket object and
 * then cached (the attachment never changes after accept; after a wake-up the socket objects are
 * new, so the cache refills itself). Fan-out reads it per socket, so this is on the hot path.
 */
export function identityOf(ws: WebSocket): SocketIdentity {
  let who = identities.get(ws);
  if (!who) identities.set(ws, (who = ws.deserializeAttachment() as SocketIdentity));
  return who;
}

/**
 * Topic subscriptions of one gateway: durable in SQLite (one row per connection and topic), served
 * from an in-memory index `topic → sockets` that is rebuilt from SQLite and the live sockets after
 * every wake-up, so a broadcast touches only subscribed sockets and never scans the others.
 */
export class TopicIndex {
  #byTopic: Map<string, Set<WebSocket>> | undefined;
  readonly #byConn = new Map<string, Set<string>>();

  /** `joined` runs for each topic a connection newly follows (the gateway starts logging it). */
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly joined: (key: string) => void = () => undefined,
  ) {}

  #index(): Map<string, Set<WebSocket>> {
    if (this.#byTopic) return this.#byTopic;
    const live = new Map<string, WebSocket>();
    for (const ws of this.ctx.getWebSockets()) live.set(identityOf(ws).connId, ws);
    const byTopic = new Map<string, Set<WebSocket>>();
    const stale = new Set<string>();
    for (const { conn_id, topic } of this.ctx.storage.sql.exec<{ conn_id: string; topic: string }>("SELECT conn_id, topic FROM subscriptions")) {
      const ws = live.get(conn_id);
      if (!ws) {
        stale.add(conn_id);
        continue;
      }
      let sockets = byTopic.get(topic);
      if (!sockets) byTopic.set(topic, (sockets = new Set()));
      sockets.add(ws);
      let topics = this.#byConn.get(conn_id);
      if (!topics) this.#byConn.set(conn_id, (topics = new Set()));
      topics.add(topic);
    }
    for (const connId of stale) this.ctx.storage.sql.exec("DELETE FROM subscriptions WHERE conn_id = ?", connId);
    this.#byTopic = byTopic;
    return byTopic;
  }

  /** The topic keys of a connection. */
  topicsOf(connId: string): string[] {
    this.#index();
    return [...(this.#byConn.get(connId) ?? [])];
  }

  add(ws: WebSocket, who: SocketIdentity, keys: readonly string[]): void {
    const index = this.#index();
    let topics = this.#byConn.get(who.connId);
    if (!topics) this.#byConn.set(who.connId, (topics = new Set()));
    for (const key of keys) {
      if (topics.has(key)) continue;
      this.ctx.storage.sql.exec("INSERT OR IGNORE INTO subscriptions (conn_id, topic, user_id) VALUES (?, ?, ?)", who.connId, key, who.user);
      this.joined(key);
      topics.add(key);
      let sockets = index.get(key);
      if (!sockets) index.set(key, (sockets = new Set()));
      sockets.add(ws);
    }
  }

  remove(ws: WebSocket, connId: string, keys: readonly string[]): void {
    const index = this.#index();
    const topics = this.#byConn.get(connId);
    for (const key of keys) {
      this.ctx.storage.sql.exec("DELETE FROM subscriptions WHERE conn_id = ? AND topic = ?", connId, key);
      topics?.delete(key);
      const sockets = index.get(key);
      sockets?.delete(ws);
      if (sockets?.size === 0) index.delete(key);
    }
  }

  /** Forgets a closed connection entirely. */
  drop(ws: WebSocket, connId: string): void {
    this.remove(ws, connId, this.topicsOf(connId));
    this.#byConn.delete(connId);
  }

  /** The sockets subscribed to a topic key. */
  socketsOf(key: string): ReadonlySet<WebSocket> {
    return this.#index().get(key) ?? new Set();
  }
}

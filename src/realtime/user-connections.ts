import type { UserConnections } from "../spec/index.ts";
import { topicStream, userStream } from "./message-log.ts";
import { topicName } from "./realtime.ts";
import type { SseStreamView } from "./sse-streams.ts";
import { identityOf } from "./topic-index.ts";

/** What a gateway holds of one user, before the route adds the user and the gateway's name. */
export type GatewayConnections = Pick<UserConnections, "sockets" | "sseStreams">;

const USER = userStream(""), TOPIC = topicStream("");
const byAge = <T extends { connectedAt: number }>(a: T, b: T) => a.connectedAt - b.connectedAt;

/**
 * A user's sockets (every tenant's) and SSE streams on its gateway, oldest first, each with the
 * topics it follows as the client named them (the tenant prefix of the stored key removed).
 */
export function userConnections(sockets: readonly WebSocket[], topicsOf: (connId: string) => readonly string[], streams: readonly SseStreamView[]): GatewayConnections {
  return {
    sockets: sockets
      .map((ws) => {
        const who = identityOf(ws);
        return { connId: who.connId, tenant: who.tenant ?? null, protocol: who.protocol, connectedAt: who.connectedAt, topics: topicsOf(who.connId).map(topicName).sort() };
      })
      .sort(byAge),
    sseStreams: streams
      .map((s) => ({
        tenant: s.tenant ?? null,
        connectedAt: s.connectedAt,
        userMessages: s.streams.some((name) => name.startsWith(USER)),
        topics: s.streams.filter((name) => name.startsWith(TOPIC)).map((name) => topicName(name.slice(TOPIC.length))).sort(),
      }))
      .sort(byAge),
  };
}

import { DurableObject } from "cloudflare:workers";
import { Server } from "partyserver";

/** The frame every broadcast baseline sends: byte for byte the shape of our gateway's push. */
const pushFrame = (topic: string, data: unknown, seq: number): string => JSON.stringify({ jsonrpc: "2.0", method: "message", params: { topic, data, seq } });

/** What the realtime benchmark asks of each baseline object over RPC. */
export interface BroadcastBaseline {
  /** Sends one frame to every socket of the object. */
  push(topic: string, data: unknown): { delivered: number };
  /** Sends one frame to the sockets tagged (raw) or named (PartyServer) `to`. */
  sendTo(to: string, data: unknown): { delivered: number };
}

/**
 * The raw platform limit: one Durable Object that accepts hibernatable sockets (tagged with the
 * `tag` query parameter) and broadcasts by looping `ws.send` over `ctx.getWebSockets()`. No
 * attachment, no index, no durable sequence number.
 */
export class RawBroadcast extends DurableObject implements BroadcastBaseline {
  #seq = 0;

  override fetch(request: Request): Response {
    const { 0: client, 1: server } = new WebSocketPair();
    const tag = new URL(request.url).searchParams.get("tag");
    this.ctx.acceptWebSocket(server, tag ? [tag] : []);
    return new Response(null, { status: 101, webSocket: client });
  }

  push(topic: string, data: unknown): { delivered: number } {
    return this.#send(this.ctx.getWebSockets(), pushFrame(topic, data, ++this.#seq));
  }

  sendTo(to: string, data: unknown): { delivered: number } {
    return this.#send(this.ctx.getWebSockets(to), pushFrame("", data, ++this.#seq));
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }

  #send(sockets: WebSocket[], frame: string): { delivered: number } {
    let delivered = 0;
    for (const ws of sockets) {
      try {
        ws.send(frame);
        delivered += 1;
      } catch {
        // closing
      }
    }
    return { delivered };
  }
}

/**
 * The peer library: a PartyServer `Server` with hibernation on. Connections are named by the
 * `_pk` query parameter (PartyServer's own convention); a broadcast is its `broadcast()`.
 */
export class PartyBroadcast extends Server implements BroadcastBaseline {
  static override options = { hibernate: true };
  #seq = 0;

  push(topic: string, data: unknown): { delivered: number } {
    // `broadcast()` returns nothing; the benchmark counts deliveries at the clients.
    this.broadcast(pushFrame(topic, data, ++this.#seq));
    return { delivered: -1 };
  }

  sendTo(to: string, data: unknown): { delivered: number } {
    const connection = this.getConnection(to);
    connection?.send(pushFrame("", data, ++this.#seq));
    return { delivered: connection ? 1 : 0 };
  }
}

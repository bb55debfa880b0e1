import { getServerByName } from "partyserver";
import type { PartyBroadcast, RawBroadcast } from "./broadcast-objects.ts";

/** The bindings the realtime baselines need. */
export interface BroadcastEnv {
  ADMIN_TOKEN: string;
  RAW_BROADCAST: DurableObjectNamespace<RawBroadcast>;
  PARTY_BROADCAST: DurableObjectNamespace<PartyBroadcast>;
}

/** A baseline object as seen through its stub (every RPC answers a promise). */
interface BaselineStub {
  push(topic: string, data: unknown): Promise<{ delivered: number }>;
  sendTo(to: string, data: unknown): Promise<{ delivered: number }>;
}

const ROUTE = /^\/_bench\/(raw|party)\/([\w-]+)(?:\/(push|send)(?:\/([\w-]+))?)?$/;

/**
 * The realtime benchmark's baseline routes (admin only), or `undefined` for any other request:
 * - `GET /_bench/{raw|party}/<object>` with an upgrade: a socket on that object (`?tag=` names a
 *   raw socket, `?_pk=` a PartyServer connection; PartyServer's through its `getServerByName`);
 * - `POST /_bench/{raw|party}/<object>/push` `{ topic, data }`: one broadcast;
 * - `POST /_bench/{raw|party}/<object>/send/<to>` `{ data }`: to one socket.
 */
export async function broadcastRoute(request: Request, env: BroadcastEnv): Promise<Response | undefined> {
  const match = ROUTE.exec(new URL(request.url).pathname);
  if (!match || request.headers.get("authorization") !== `Bearer ${env.ADMIN_TOKEN}`) return undefined;
  const [, kind, name = "", action, to = ""] = match;
  if (!action) {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const stub = kind === "raw" ? env.RAW_BROADCAST.getByName(name) : await getServerByName(env.PARTY_BROADCAST, name);
    return stub.fetch(request);
  }
  const stub: BaselineStub = kind === "raw" ? env.RAW_BROADCAST.getByName(name) : env.PARTY_BROADCAST.getByName(name);
  const body = await request.json<{ topic?: string; data: unknown }>();
  return Response.json(action === "push" ? await stub.push(body.topic ?? "", body.data) : await stub.sendTo(to, body.data));
}

import { z } from "zod";
import { SSE_EVENTS, STREAM_DEFAULTS } from "../spec/streams.ts";
import { GatewayDelivery } from "./gateway-delivery.ts";
import { IDENTITY_HEADERS } from "./identity-headers.ts";
import { userStream } from "./message-log.ts";
import { parseLastSeq } from "./resume.ts";
import { encodeEvent, encodeRetry } from "./sse-encoder.ts";

/** Headers the Worker sets on an SSE request it forwards to a gateway, after verifying the user token. */
export const SSE_HEADERS_IN = { streams: "x-cluster-sse-streams", lastSeq: "x-cluster-last-seq" } as const;

/** What an SSE stream follows: the user's own messages (user streams) and topic keys (tenant-prefixed). */
export const SseFollowSchema = z.object({ user: z.string().min(1).optional(), topics: z.array(z.string().min(1)).max(100) }).strict();
export type SseFollow = z.infer<typeof SseFollowSchema>;

/**
 * Opens an SSE stream on this gateway (STRM-01). Synchronous from the resume decision to the
 * registration of the stream, so no live message can slip between the replay and the live tail:
 * the stream starts with `retry:`, then `event: reset` or the missed messages, then the gateway's
 * current `id:` (a baseline for clients that leave before their first message), then live ones.
 */
export function openSseStream(delivery: GatewayDelivery, request: Request): Response {
  let follow: SseFollow;
  try {
    follow = SseFollowSchema.parse(JSON.parse(request.headers.get(SSE_HEADERS_IN.streams) ?? ""));
  } catch {
    return new Response("stream description missing", { status: 400 });
  }
  const streams = [...(follow.user === undefined ? [] : [{ stream: userStream(follow.user) }]), ...follow.topics.map((key) => GatewayDelivery.topicOf(key))];
  if (streams.length === 0) return new Response("nothing to follow", { status: 400 });
  const resumption = delivery.resume(parseLastSeq(request.headers.get(SSE_HEADERS_IN.lastSeq)), streams);
  const preface = [encodeRetry(STREAM_DEFAULTS.retryMs)];
  if (resumption.reset) preface.push(encodeEvent({ id: resumption.reset.seq, event: SSE_EVENTS.reset, data: JSON.stringify(resumption.reset) }));
  for (const m of resumption.messages) preface.push(encodeEvent({ id: m.seq, event: m.event, data: m.params }));
  // An id with no data sets the client's last event id without dispatching an event.
  preface.push(`id: ${delivery.seq}\n\n`);
  const owner = request.headers.get(IDENTITY_HEADERS.user) ?? follow.user ?? "";
  return delivery.sse.open(owner, streams.map((s) => s.stream), preface, request.signal, request.headers.get(IDENTITY_HEADERS.tenant) ?? undefined);
}

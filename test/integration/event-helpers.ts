import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import worker from "../fixtures/worker.ts";
import type { EventMessage } from "../../src/spec/index.ts";
import { send } from "./entity-helpers.ts";
import { admin, BASE } from "./helpers.ts";
export { eventually } from "../eventually.ts";

let counter = 0;

/** A demo.ping event as the relay would put it on the Queue. */
export function ping(n: number, extra: Partial<EventMessage> = {}): EventMessage {
  return {
    eventId: `evt_t${Date.now()}_${++counter}`, type: "demo.ping", version: 1, payload: { n }, scope: "cluster", delivery: "exactly-once",
    producer: "test-producer", emittedAt: Date.now(), ...extra,
  } as EventMessage;
}

/** Runs the Worker's queue() on a batch (Queue name `events` or `events-dlq`) and returns what it acked and retried. */
export async function consume(queue: string, bodies: readonly unknown[], attempts = 1) {
  const batch = createMessageBatch<unknown>(queue, bodies.map((body, i) => ({ id: `m${++counter}-${i}`, timestamp: new Date(), attempts, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  return { acked: result.explicitAcks.length, retried: result.retryMessages.length, result };
}

export async function pingLog(key: string): Promise<{ applied: number; ns: number[] }> {
  return (await send("PingLog", key, "get")).json();
}

export function api(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  return exports.default.fetch(`${BASE}${path}`, {
    method: init.method ?? "GET",
    headers: admin({ "content-type": "application/json", ...init.headers }),
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

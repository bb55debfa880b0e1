import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../fixtures/worker.ts";

export const ADMIN_TOKEN = env.ADMIN_TOKEN;
export const BASE = "https://cluster.test";

/** Headers with the admin bearer token. */
export function admin(extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${ADMIN_TOKEN}`, ...extra };
}

/**
 * Calls the Worker's fetch handler with the real bindings overridden by `overrides`: the way
 * tests inject a failing or slow dependency through the Env instead of editing code.
 */
export async function fetchWith(overrides: Record<string, unknown>, path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(BASE + path, init), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** A namespace whose stubs answer `ping` only after `delayMs`: a slow dependency. */
export function slowNamespace(delayMs: number): unknown {
  return {
    idFromName: (name: string) => name,
    get: () => ({ ping: () => new Promise((resolve) => setTimeout(() => resolve({ ok: true, object: "slow" }), delayMs)) }),
  };
}

/** A namespace whose stubs fail every `ping`: a broken dependency. */
export function brokenNamespace(message: string): unknown {
  return { idFromName: (name: string) => name, get: () => ({ ping: () => Promise.reject(new Error(message)) }) };
}

import { introspectWorkflowInstance } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { cluster } from "../fixtures/worker.ts";
import { Account } from "../../examples/demo/account.ts";
import { Router } from "../../src/shards/index.ts";
import type { SagaRecord, SagaStarted } from "../../src/spec/index.ts";
import { admin, BASE } from "./helpers.ts";

export const router = new Router(env.SHARDS, cluster.app.entities);

/** A fresh key per test: storage is shared by the tests of one file. */
export const fresh = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

export async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(new Request(BASE + path, { method, headers: admin({ "content-type": "application/json", ...headers }), ...(body === undefined ? {} : { body: JSON.stringify(body) }) }));
}

export async function start(name: string, input: unknown, key: string): Promise<SagaStarted> {
  const res = await api("POST", `/v1/sagas/${name}`, { input }, { "idempotency-key": key });
  if (res.status !== 202) throw new Error(`start ${name}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function record(name: string, id: string): Promise<SagaRecord> {
  const res = await api("GET", `/v1/sagas/${name}/${id}`);
  if (res.status !== 200) throw new Error(`get ${name}/${id}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Starts a saga under introspection (sleeps and retry delays off) and waits for its Workflow to finish. */
export async function runToEnd(name: string, input: unknown, id = fresh(name)): Promise<{ id: string; output: unknown; record: SagaRecord }> {
  await using instance = await introspectWorkflowInstance(env.SAGAS, id);
  await instance.modify(async (m) => {
    await m.disableSleeps();
    await m.disableRetryDelays();
  });
  await start(name, input, id);
  await instance.waitForStatus("complete");
  return { id, output: await instance.getOutput(), record: await record(name, id) };
}

export const balance = async (key: string) => (await router.to(Account).request(key, "balance", {})).balance;
export const fund = (key: string, amount: number) => router.to(Account).request(key, "deposit", { amount });

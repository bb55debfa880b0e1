import { MIN_PRODUCTION_TOKEN_LENGTH, type RuntimeConfig } from "../spec/index.ts";
import type { Pong } from "../objects/ping.ts";
import { PING_OBJECT_NAME } from "../objects/ping.ts";
import { bindingProblem } from "./bindings.ts";
import type { Probe } from "./probes.ts";
import type { ClusterEnv } from "../env.ts";

interface Pingable {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): { ping(): Promise<Pong> | Pong };
}

function objectProbe(component: string, env: ClusterEnv, binding: string): Probe {
  return {
    component,
    measurement: "responseTime",
    componentType: "datastore",
    async run() {
      const problem = bindingProblem(env, binding);
      if (problem) throw new Error(problem);
      const namespace = (env as unknown as Record<string, Pingable>)[binding] as Pingable;
      const pong = await namespace.get(namespace.idFromName(PING_OBJECT_NAME)).ping();
      if (pong.ok !== true) throw new Error("unexpected ping answer");
    },
  };
}

function bindingProbe(component: string, env: ClusterEnv, binding: string): Probe {
  return presenceProbe(component, () => bindingProblem(env, binding) === null, bindingProblem(env, binding) ?? "");
}

function presenceProbe(component: string, present: () => boolean, missing: string): Probe {
  return {
    component,
    measurement: "binding",
    componentType: "component",
    run: () => (present() ? Promise.resolve() : Promise.reject(new Error(missing))),
  };
}

/**
 * The readiness checks: every Durable Object namespace answers a ping RPC, the Queue producer and
 * the Workflows binding are present, and the required secrets are set.
 */
export function readinessProbes(env: ClusterEnv, config: RuntimeConfig): Probe[] {
  const secretOk = (secret: string | undefined) => () => {
    const value = secret ?? "";
    return config.ENVIRONMENT === "production" ? value.length >= MIN_PRODUCTION_TOKEN_LENGTH : value.length > 0;
  };
  return [
    objectProbe("shard-object", env, "SHARDS"),
    objectProbe("singleton-object", env, "SINGLETONS"),
    objectProbe("gateway-object", env, "GATEWAYS"),
    objectProbe("tenant-object", env, "TENANTS"),
    bindingProbe("events-queue", env, "EVENTS"),
    bindingProbe("sagas-workflow", env, "SAGAS"),
    { ...presenceProbe("admin-token", secretOk(config.ADMIN_TOKEN), "secret ADMIN_TOKEN missing or too short"), measurement: "configured" },
    { ...presenceProbe("auth-secret", secretOk(config.AUTH_SECRET), "secret AUTH_SECRET missing or too short"), measurement: "configured" },
  ];
}

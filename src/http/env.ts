import type { ClusterContext, RuntimeConfig } from "../spec";

/** The hono environment of every route: the Worker's bindings and the per-request variables. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: RuntimeConfig;
    cluster: ClusterContext;
  };
};

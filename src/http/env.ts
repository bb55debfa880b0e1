import type { ClusterContext, RuntimeConfig, TenantRuntimeContext } from "../spec/index.ts";
import type { ClusterEnv } from "../env.ts";

/** The hono environment of every route: the Worker's bindings and the per-request variables. */
export type AppEnv = {
  Bindings: ClusterEnv;
  Variables: {
    requestId: string;
    config: RuntimeConfig;
    cluster: ClusterContext;
    /** Set for tenant routes: by the tenant-key middleware, or from the path for admins. */
    tenant?: TenantRuntimeContext;
    /** A tenant key on the records routes, not yet checked: the tenant object checks it in the record's call. */
    uncheckedKey?: string;
  };
};

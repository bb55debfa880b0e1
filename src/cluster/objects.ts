import { FleetObject as FleetBase } from "../objects/fleet-object.ts";
import { GatewayObject as GatewayBase } from "../objects/gateway-object.ts";
import { RolloutWorkflow as RolloutBase } from "../objects/rollout-workflow.ts";
import { SagaWorkflow as SagaBase } from "../objects/saga-workflow.ts";
import { ShardObject as ShardBase } from "../objects/shard-object.ts";
import { SingletonObject as SingletonBase } from "../objects/singleton-object.ts";
import { TenantObject as TenantBase } from "../objects/tenant-object.ts";
import type { ClusterEnv } from "../env.ts";
import type { ResolvedApp } from "./app.ts";

/**
 * The Durable Object and Workflow classes of one application. The runtime constructs them with
 * `(ctx, env)`; each passes the application on to the platform's class. Export each by its name from
 * the Worker's entry: wrangler.toml refers to them by these class names.
 */
export interface ClusterObjects {
  readonly ShardObject: new (ctx: DurableObjectState, env: ClusterEnv) => ShardBase;
  readonly SingletonObject: new (ctx: DurableObjectState, env: ClusterEnv) => SingletonBase;
  readonly GatewayObject: new (ctx: DurableObjectState, env: ClusterEnv) => GatewayBase;
  readonly TenantObject: new (ctx: DurableObjectState, env: ClusterEnv) => TenantBase;
  readonly SagaWorkflow: new (ctx: ExecutionContext, env: ClusterEnv) => SagaBase;
  readonly FleetObject: new (ctx: DurableObjectState, env: ClusterEnv) => FleetBase;
  readonly RolloutWorkflow: new (ctx: ExecutionContext, env: ClusterEnv) => RolloutBase;
}

// Anonymous class expressions (named by their property): a class expression named like its base
// would shadow the base inside `extends` once a bundler hoists both into one scope.
export function bindObjects(app: ResolvedApp): ClusterObjects {
  return {
    ShardObject: class extends ShardBase {
      constructor(ctx: DurableObjectState, env: ClusterEnv) {
        super(ctx, env, app);
      }
    },
    SingletonObject: class extends SingletonBase {
      constructor(ctx: DurableObjectState, env: ClusterEnv) {
        super(ctx, env, app);
      }
    },
    GatewayObject: class extends GatewayBase {
      constructor(ctx: DurableObjectState, env: ClusterEnv) {
        super(ctx, env, app);
      }
    },
    TenantObject: class extends TenantBase {
      constructor(ctx: DurableObjectState, env: ClusterEnv) {
        super(ctx, env, app);
      }
    },
    SagaWorkflow: class extends SagaBase {
      constructor(ctx: ExecutionContext, env: ClusterEnv) {
        super(ctx, env, app);
      }
    },
    FleetObject: class extends FleetBase {
      constructor(ctx: DurableObjectState, env: ClusterEnv) {
        super(ctx, env, app);
      }
    },
    RolloutWorkflow: class extends RolloutBase {
      constructor(ctx: ExecutionContext, env: ClusterEnv) {
        super(ctx, env, app);
      }
    },
  };
}

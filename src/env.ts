import type { FleetObject } from "./objects/fleet-object.ts";
import type { GatewayObject } from "./objects/gateway-object.ts";
import type { ShardObject } from "./objects/shard-object.ts";
import type { SingletonObject } from "./objects/singleton-object.ts";
import type { TenantObject } from "./objects/tenant-object.ts";
import type { RolloutParams } from "./fleet/rollout-runner.ts";
import type { SagaParams } from "./spec/index.ts";

/**
 * The bindings durable-cluster needs in the Worker's environment, under these exact names (the
 * scaffold's wrangler.toml declares them all). It extends `Cloudflare.Env`, the type `wrangler
 * types` generates for an application, so every context handed to application code (`ctx.env`)
 * also carries the application's own bindings. Variables and secrets are read, validated, through
 * the runtime configuration.
 */
export interface ClusterEnv extends Cloudflare.Env {
  /** Entity shards and job shards (`ShardObject`). */
  readonly SHARDS: DurableObjectNamespace<ShardObject>;
  /** Scheduled tasks and services, and the dead-letter list (`SingletonObject`). */
  readonly SINGLETONS: DurableObjectNamespace<SingletonObject>;
  /** Socket and SSE gateways (`GatewayObject`). */
  readonly GATEWAYS: DurableObjectNamespace<GatewayObject>;
  /** Tenants and their registry (`TenantObject`). */
  readonly TENANTS: DurableObjectNamespace<TenantObject>;
  /** The producer of the `events` Queue. */
  readonly EVENTS: Queue;
  /** The Workflow that runs sagas (`SagaWorkflow`). */
  readonly SAGAS: Workflow<SagaParams>;
  /** The rollouts across tenants (`FleetObject`, one object named `fleet`). */
  readonly FLEET: DurableObjectNamespace<FleetObject>;
  /** The Workflow that runs rollouts (`RolloutWorkflow`). */
  readonly ROLLOUTS: Workflow<RolloutParams>;
}

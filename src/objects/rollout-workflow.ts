import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { fleetStub } from "../fleet/fleet-client.ts";
import { runRollout, type RolloutParams } from "../fleet/rollout-runner.ts";
import type { RolloutStatus } from "../spec/index.ts";
import { tenantNamespace } from "../tenants/lifecycle.ts";
import { tenantStub } from "../tenants/tenant-client.ts";
import type { ClusterEnv } from "../env.ts";
import type { ResolvedApp } from "../cluster/app.ts";

/** One run of a fleet rollout on Cloudflare Workflows: its params `{ rolloutId, run }` (see `runRollout`). */
export class RolloutWorkflow extends WorkflowEntrypoint<ClusterEnv, unknown> {
  /** Constructed by the runtime through the class `createCluster` binds to the application. */
  constructor(ctx: ExecutionContext, env: ClusterEnv, _app: ResolvedApp) {
    super(ctx, env);
  }

  override async run(event: WorkflowEvent<unknown>, step: WorkflowStep): Promise<{ status: RolloutStatus }> {
    const params = event.payload as Partial<RolloutParams> | undefined;
    if (typeof params?.rolloutId !== "string" || typeof params.run !== "number") throw new NonRetryableError("invalid rollout parameters");
    const tenants = tenantNamespace(this.env);
    return runRollout({ fleet: fleetStub(this.env), tenant: (id) => tenantStub(tenants, id) }, { rolloutId: params.rolloutId, run: params.run }, step);
  }
}

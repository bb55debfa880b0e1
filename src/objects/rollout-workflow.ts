import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { fleetStub } from "../fleet/fleet-client.ts";
import { outcomeOf, runRollout, type RolloutParams } from "../fleet/rollout-runner.ts";
import type { RunStatus } from "../fleet/rollout-runs.ts";
import { tenantExists } from "../tenants/known-tenants.ts";
import { failedOutcome, type RolloutStep } from "../tenants/rollout-apply.ts";
import type { RolloutOutcome } from "../spec/index.ts";
import { tenantNamespace } from "../tenants/lifecycle.ts";
import { tenantStub } from "../tenants/tenant-client.ts";
import type { ClusterEnv } from "../env.ts";
import type { ResolvedApp } from "../cluster/app.ts";

const gone = (tenantId: string): RolloutOutcome => failedOutcome(tenantId, "deploying", "not_found", `tenant '${tenantId}' no longer exists`);

/** One run of a fleet rollout on Cloudflare Workflows: its params `{ rolloutId, run }` (see `runRollout`). */
export class RolloutWorkflow extends WorkflowEntrypoint<ClusterEnv, unknown> {
  /** Constructed by the runtime through the class `createCluster` binds to the application. */
  constructor(ctx: ExecutionContext, env: ClusterEnv, _app: ResolvedApp) {
    super(ctx, env);
  }

  override async run(event: WorkflowEvent<unknown>, step: WorkflowStep): Promise<{ status: RunStatus }> {
    const params = event.payload as Partial<RolloutParams> | undefined;
    if (typeof params?.rolloutId !== "string" || typeof params.run !== "number") throw new NonRetryableError("invalid rollout parameters");
    const tenants = tenantNamespace(this.env);
    // A tenant destroyed since the rollout began is not reached: reaching its name would create its object again.
    const apply = async (id: string, s: RolloutStep): Promise<RolloutOutcome> =>
      (await tenantExists(this.env, id)) ? outcomeOf(id, await tenantStub(tenants, id).applyRollout(id, s)) : gone(id);
    return runRollout({ fleet: fleetStub(this.env), apply }, { rolloutId: params.rolloutId, run: params.run }, step);
  }
}

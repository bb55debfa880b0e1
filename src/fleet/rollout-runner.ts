import type { WorkflowStep, WorkflowStepConfig } from "cloudflare:workers";
import { unwrap, type Delivery } from "../shards/delivery.ts";
import type { RolloutOutcome, RolloutStatus } from "../spec/index.ts";
import type { TenantStub } from "../tenants/tenant-client.ts";
import type { FleetStub } from "./fleet-client.ts";
import type { RolloutSpec } from "./rollout-store.ts";

/** A rollout Workflow's parameters: the rollout and its run (1 for the start, one more per resume). */
export interface RolloutParams { readonly rolloutId: string; readonly run: number }

export interface RolloutRunnerDeps {
  readonly fleet: FleetStub;
  readonly tenant: (tenantId: string) => TenantStub;
}

/** A tenant's step is retried on errors of the call itself (an evicted object, a reset connection); its outcome is the pipeline's. */
const TENANT_STEP: WorkflowStepConfig = { retries: { limit: 4, delay: "1 second", backoff: "exponential" }, timeout: "5 minutes" };

/** A failed delivery as a tenant's failed outcome (the call reached the tenant, which refused). */
function outcomeOf(tenantId: string, delivery: Delivery<RolloutOutcome>): RolloutOutcome {
  if (delivery.ok) return delivery.value;
  const p = delivery.problem;
  return { state: "failed", reason: p.code, deploymentId: null, previousChecksum: null, error: { tenantId, stage: "deploying", code: p.code, message: p.detail ?? p.title, statement: null, sqliteError: null } };
}

/** The outcome of a tenant whose step failed on every retry (its object could not be reached or threw). */
const unreachable = (tenantId: string, err: unknown): RolloutOutcome => ({
  state: "failed", reason: "unavailable", deploymentId: null, previousChecksum: null,
  error: { tenantId, stage: "deploying", code: "unavailable", message: err instanceof Error ? err.message : String(err), statement: null, sqliteError: null },
});

/**
 * Runs one run of a rollout: wave after wave, each tenant of a wave a durable step (claim it in
 * the fleet object, apply the target through the tenant's pipeline, record the outcome), at most
 * `concurrency` at once. A claim refused because the rollout halted or was cancelled starts
 * nothing more; steps in flight finish and record. Between waves the rollout may pause
 * (`step.sleep`). A restarted Workflow replays its finished steps from storage and goes on.
 */
export async function runRollout(deps: RolloutRunnerDeps, params: RolloutParams, step: WorkflowStep): Promise<{ status: RolloutStatus }> {
  const { rolloutId: id, run } = params;
  // A step's result must be serializable as the Workflow types see it: the spec (with its manifests' open JSON values) travels as text.
  const spec = JSON.parse(await step.do("spec", async () => JSON.stringify(unwrap(await deps.fleet.rolloutSpec(id))))) as RolloutSpec;
  const first = await step.do("current wave", async () => unwrap(await deps.fleet.rolloutGet(id)).currentWave);
  const applying = { rolloutId: id, target: spec.target, allowDestructive: spec.allowDestructive };
  let status: RolloutStatus = "running";
  for (let wave = first; wave <= spec.waves.length; wave++) {
    const todo = await step.do(`wave ${wave}`, async () => unwrap(await deps.fleet.rolloutWave(id, wave)));
    if (todo.status !== "running") return { status: todo.status };
    const queue = [...todo.tenants];
    let stopped = false;
    const worker = async (): Promise<void> => {
      for (let tenantId = queue.shift(); tenantId !== undefined && !stopped; tenantId = queue.shift()) {
        const name = tenantId;
        const record = async (outcome: RolloutOutcome) => ({ status: unwrap(await deps.fleet.rolloutRecord(id, name, outcome)).status });
        const result = await step
          .do(`tenant ${name}`, TENANT_STEP, async () => {
            const claim = unwrap(await deps.fleet.rolloutClaim(id, name));
            return claim.ok ? record(outcomeOf(name, await deps.tenant(name).applyRollout(name, applying))) : { status: claim.status };
          })
          .catch((err: unknown) => step.do(`tenant ${name} gave up`, () => record(unreachable(name, err))));
        if (result.status !== "running") stopped = true;
      }
    };
    await Promise.all(Array.from({ length: Math.min(spec.concurrency, Math.max(queue.length, 1)) }, worker));
    const after = await step.do(`wave ${wave} done`, async () => unwrap(await deps.fleet.rolloutWaveDone(id, wave, run)));
    status = after.status;
    if (status === "paused") {
      await step.sleep(`pause after wave ${wave}`, spec.pauseBetweenWavesMs);
      status = (await step.do(`resume after wave ${wave}`, async () => unwrap(await deps.fleet.rolloutTransition(id, ["paused"], "running")))).status;
    }
    if (status !== "running") return { status };
  }
  return { status };
}

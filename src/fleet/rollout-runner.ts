import type { WorkflowStep, WorkflowStepConfig } from "cloudflare:workers";
import { unwrap, type Delivery } from "../shards/delivery.ts";
import type { RolloutOutcome } from "../spec/index.ts";
import { failedOutcome, type RolloutStep } from "../tenants/rollout-apply.ts";
import type { FleetStub } from "./fleet-client.ts";
import type { RunStatus } from "./rollout-runs.ts";
import type { RolloutSpec } from "./rollout-store.ts";

/** A rollout Workflow's parameters: the rollout and its run (1 for the start, one more per resume). */
export interface RolloutParams { readonly rolloutId: string; readonly run: number }

export interface RolloutRunnerDeps {
  readonly fleet: FleetStub;
  /** Applies the step to one tenant (its object's `applyRollout`, once the registry still lists it). */
  readonly apply: (tenantId: string, step: RolloutStep) => Promise<RolloutOutcome>;
}

/** A tenant's step is retried on errors of the call itself (an evicted object, a reset connection); its outcome is the pipeline's. */
const TENANT_STEP: WorkflowStepConfig = { retries: { limit: 4, delay: "1 second", backoff: "exponential" }, timeout: "5 minutes" };

/** A failed delivery as a tenant's failed outcome (the call reached the tenant, which refused). */
export function outcomeOf(tenantId: string, delivery: Delivery<RolloutOutcome>): RolloutOutcome {
  if (delivery.ok) return delivery.value;
  return failedOutcome(tenantId, "deploying", delivery.problem.code, delivery.problem.detail ?? delivery.problem.title);
}

/** The outcome of a tenant whose step failed on every retry (its object could not be reached or threw). */
const unreachable = (tenantId: string, err: unknown): RolloutOutcome => failedOutcome(tenantId, "deploying", "unavailable", err instanceof Error ? err.message : String(err));

/**
 * Runs one run of a rollout: wave after wave, each tenant of a wave a durable step (claim it in
 * the fleet object, apply the target through the tenant's pipeline, record the outcome), at most
 * `concurrency` at once. A claim refused (the rollout halted or was cancelled, or a newer run took
 * over) starts nothing more; steps in flight finish and record. Between waves the rollout may pause
 * (`step.sleep`). A restarted Workflow replays its finished steps from storage and goes on; a run
 * started after a pause (a resume, the fleet's watch) first sleeps what is left of it.
 */
export async function runRollout(deps: RolloutRunnerDeps, params: RolloutParams, step: WorkflowStep): Promise<{ status: RunStatus }> {
  const { rolloutId: id, run } = params;
  // A step's result must be serializable as the Workflow types see it: the spec (with its manifests' open JSON values) travels as text.
  const spec = JSON.parse(await step.do("spec", async () => JSON.stringify(unwrap(await deps.fleet.rolloutSpec(id))))) as RolloutSpec;
  const begin = await step.do("begin", async () => unwrap(await deps.fleet.rolloutBegin(id, run)));
  let status: RunStatus = begin.status;
  if (status === "paused") status = await unpause(deps, step, id, run, begin.wave - 1, begin.sleepMs);
  const applying = { rolloutId: id, target: spec.target, allowDestructive: spec.allowDestructive };
  for (let wave = begin.wave; wave <= spec.waves.length && status === "running"; wave++) {
    const todo = await step.do(`wave ${wave}`, async () => unwrap(await deps.fleet.rolloutWave(id, run, wave)));
    if (todo.status !== "running") return { status: todo.status };
    const queue = [...todo.tenants];
    let stopped = false;
    const worker = async (): Promise<void> => {
      for (let tenantId = queue.shift(); tenantId !== undefined && !stopped; tenantId = queue.shift()) {
        const name = tenantId;
        const record = async (outcome: RolloutOutcome) => ({ status: unwrap(await deps.fleet.rolloutRecord(id, run, name, outcome)).status });
        const result = await step
          .do(`tenant ${name}`, TENANT_STEP, async () => {
            const claim = unwrap(await deps.fleet.rolloutClaim(id, run, name));
            if (!claim.ok) return { status: claim.status };
            return record(await deps.apply(name, applying));
          })
          .catch((err: unknown) => step.do(`tenant ${name} gave up`, () => record(unreachable(name, err))));
        if (result.status !== "running") stopped = true;
      }
    };
    await Promise.all(Array.from({ length: Math.min(spec.concurrency, Math.max(queue.length, 1)) }, worker));
    status = (await step.do(`wave ${wave} done`, async () => unwrap(await deps.fleet.rolloutWaveDone(id, run, wave)))).status;
    if (status === "paused") status = await unpause(deps, step, id, run, wave, spec.pauseBetweenWavesMs);
  }
  return { status };
}

/** Sleeps out a pause after wave `wave`, then asks the fleet object to run again. */
async function unpause(deps: RolloutRunnerDeps, step: WorkflowStep, id: string, run: number, wave: number, ms: number): Promise<RunStatus> {
  if (ms > 0) await step.sleep(`pause after wave ${wave}`, ms);
  return step.do(`resume after wave ${wave}`, async () => unwrap(await deps.fleet.rolloutUnpause(id, run)));
}

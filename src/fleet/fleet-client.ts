import type { Delivery } from "../shards/delivery.ts";
import type { Rollout, RolloutOutcome, RolloutPage, RolloutStatus, RolloutTenantPage, RolloutTenantState } from "../spec/index.ts";
import type { RolloutParams } from "./rollout-runner.ts";
import type { RunStatus } from "./rollout-runs.ts";
import type { RolloutMember, RolloutSpec } from "./rollout-store.ts";
import type { ClusterEnv } from "../env.ts";

/** The name of the one fleet object (in the FLEET namespace). */
export const FLEET_OBJECT = "fleet";

/** The RPCs of the `FleetObject`; failures travel as problems (`unwrap` re-throws them). */
export interface FleetStub {
  rolloutCreate(id: string, idempotencyKey: string | null, spec: RolloutSpec, members: RolloutMember[], cancels?: string): Promise<Delivery<{ rollout: Rollout; created: boolean }>>;
  rolloutGet(id: string): Promise<Delivery<Rollout>>;
  rolloutSpec(id: string): Promise<Delivery<RolloutSpec>>;
  rolloutList(cursor: number | undefined, limit: number): Promise<Delivery<RolloutPage>>;
  rolloutTenants(id: string, state: RolloutTenantState | undefined, cursor: number | undefined, limit: number): Promise<Delivery<RolloutTenantPage>>;
  rolloutBegin(id: string, run: number): Promise<Delivery<{ status: RunStatus; wave: number; sleepMs: number }>>;
  rolloutWave(id: string, run: number, wave: number): Promise<Delivery<{ status: RunStatus; tenants: string[] }>>;
  rolloutClaim(id: string, run: number, tenantId: string): Promise<Delivery<{ ok: boolean; status: RunStatus }>>;
  rolloutRecord(id: string, run: number, tenantId: string, outcome: RolloutOutcome): Promise<Delivery<{ status: RunStatus; halted: boolean }>>;
  rolloutWaveDone(id: string, run: number, wave: number): Promise<Delivery<{ status: RunStatus }>>;
  rolloutUnpause(id: string, run: number): Promise<Delivery<RunStatus>>;
  rolloutTransition(id: string, from: RolloutStatus[], to: RolloutStatus): Promise<Delivery<Rollout>>;
  rolloutReadyByPrevious(id: string): Promise<Delivery<{ previous: string; tenants: string[] }[]>>;
  rolloutBehind(): Promise<Delivery<string[]>>;
  rolloutResume(id: string, target: RolloutSpec["target"] | undefined, summary: Rollout["target"] | undefined): Promise<Delivery<{ run: number }>>;
}

/** The fleet object's stub. */
export function fleetStub(env: ClusterEnv): FleetStub {
  const ns = env.FLEET as unknown as { idFromName(name: string): DurableObjectId; get(id: DurableObjectId): FleetStub };
  return ns.get(ns.idFromName(FLEET_OBJECT));
}

/** The Workflow instance of a rollout's run. */
export const runInstanceId = (params: RolloutParams): string => `${params.rolloutId}-${params.run}`;

/** Creates the run's Workflow instance; a repeated request (`known`) first looks for the one it made. */
export async function launchRun(env: ClusterEnv, params: RolloutParams, known: boolean): Promise<void> {
  const id = runInstanceId(params);
  if (known && (await env.ROLLOUTS.get(id).then(() => true, () => false))) return;
  await env.ROLLOUTS.create({ id, params });
}


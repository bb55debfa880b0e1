import { DurableObject } from "cloudflare:workers";
import { delivered, type Delivery } from "../shards/delivery.ts";
import { FLEET_MIGRATIONS } from "../fleet/fleet-schema.ts";
import { publishRolloutEvent } from "../fleet/events.ts";
import { launchRun, runInstanceId } from "../fleet/fleet-client.ts";
import { RolloutStore, type RolloutMember, type RolloutSpec } from "../fleet/rollout-store.ts";
import type { FleetStub } from "../fleet/fleet-client.ts";
import { runtimeConfig, type Rollout, type RolloutOutcome, type RolloutPage, type RolloutStatus, type RolloutTenantPage, type RolloutTenantState } from "../spec/index.ts";
import { runMigrations } from "../storage/migrations.ts";
import type { ClusterEnv } from "../env.ts";
import type { ResolvedApp } from "../cluster/app.ts";

/**
 * One object, named `fleet`: the rollouts across tenants and each rollout's tenants with their
 * state (`RolloutStore`). A rollout's steps run in its Workflow (`RolloutWorkflow`), which calls
 * this object to claim and record each tenant; it halts a rollout here, atomically, once failures
 * pass its threshold, so no tenant starts after that.
 */
export class FleetObject extends DurableObject<ClusterEnv> implements FleetStub {
  readonly rollouts: RolloutStore;
  readonly #app: ResolvedApp;

  constructor(ctx: DurableObjectState, env: ClusterEnv, app: ResolvedApp) {
    super(ctx, env);
    this.#app = app;
    this.rollouts = new RolloutStore(ctx.storage.sql, () => Date.now());
    void ctx.blockConcurrencyWhile(() => Promise.resolve(runMigrations(ctx.storage, FLEET_MIGRATIONS)));
  }

  rolloutCreate(id: string, idempotencyKey: string | null, spec: RolloutSpec, members: RolloutMember[]): Promise<Delivery<{ rollout: Rollout; created: boolean }>> {
    return delivered(async () => {
      const created = this.rollouts.create(id, idempotencyKey, spec, members);
      await this.#watch();
      return created;
    });
  }

  rolloutGet(id: string): Promise<Delivery<Rollout>> {
    return delivered(() => this.rollouts.get(id));
  }

  rolloutSpec(id: string): Promise<Delivery<RolloutSpec>> {
    return delivered(() => this.rollouts.spec(id));
  }

  rolloutList(cursor: number | undefined, limit: number): Promise<Delivery<RolloutPage>> {
    return delivered(() => this.rollouts.list(cursor, limit));
  }

  rolloutTenants(id: string, state: RolloutTenantState | undefined, cursor: number | undefined, limit: number): Promise<Delivery<RolloutTenantPage>> {
    return delivered(() => this.rollouts.tenants(id, state, cursor, limit));
  }

  rolloutWave(id: string, wave: number): Promise<Delivery<{ status: RolloutStatus; tenants: string[] }>> {
    return delivered(() => this.rollouts.wave(id, wave));
  }

  rolloutClaim(id: string, tenantId: string): Promise<Delivery<{ ok: boolean; status: RolloutStatus }>> {
    return delivered(() => this.rollouts.claim(id, tenantId));
  }

  /** Records a tenant's outcome; `rollout.halted` follows the failure that halts it. */
  rolloutRecord(id: string, tenantId: string, outcome: RolloutOutcome): Promise<Delivery<{ status: RolloutStatus; halted: boolean }>> {
    return delivered(async () => {
      const result = this.rollouts.record(id, tenantId, outcome);
      if (result.halted) await this.#publish("rollout.halted", id, `halt${this.rollouts.get(id).runs}`);
      return result;
    });
  }

  /**
   * Ends wave `wave` of run `run`: `rollout.progress`, then the last wave completes the rollout
   * (`rollout.completed`) and any other pauses it when it has a pause between waves.
   */
  rolloutWaveDone(id: string, wave: number, run: number): Promise<Delivery<Rollout>> {
    return delivered(async () => {
      let rollout = this.rollouts.get(id);
      if (rollout.status !== "running") return rollout;
      await this.#publish("rollout.progress", id, `${run}.${wave}`);
      if (wave >= rollout.waves.length) {
        rollout = this.rollouts.transition(id, ["running"], "completed");
        await this.#publish("rollout.completed", id, "done");
      } else if (rollout.pauseBetweenWavesMs > 0) rollout = this.rollouts.transition(id, ["running"], "paused");
      return rollout;
    });
  }

  rolloutTransition(id: string, from: RolloutStatus[], to: RolloutStatus): Promise<Delivery<Rollout>> {
    return delivered(() => this.rollouts.transition(id, from, to));
  }

  rolloutResume(id: string, target: RolloutSpec["target"] | undefined, summary: Rollout["target"] | undefined): Promise<Delivery<{ run: number }>> {
    return delivered(async () => {
      const resumed = this.rollouts.resume(id, target, summary);
      await this.#watch();
      return resumed;
    });
  }

  /**
   * The watch over running rollouts: a run that made no progress for `ROLLOUT_STALL_MS` (its
   * Workflow instance lost, errored or stuck) is terminated and a new run goes on where it stopped.
   * Every tenant's step is idempotent, so two runs overlapping for a moment deploy nothing twice.
   */
  override async alarm(): Promise<void> {
    for (const stalled of this.rollouts.restartStalled(runtimeConfig(this.env).ROLLOUT_STALL_MS)) {
      await this.env.ROLLOUTS.get(runInstanceId({ rolloutId: stalled.id, run: stalled.stalledRun })).then((old) => old.terminate()).catch(() => undefined);
      await launchRun(this.env, { rolloutId: stalled.id, run: stalled.run }, false);
    }
    await this.#watch();
  }

  /** Keeps the alarm set while a rollout is running or paused, at half the stall time (at most a minute). */
  async #watch(): Promise<void> {
    if (!this.rollouts.active() || (await this.ctx.storage.getAlarm()) !== null) return;
    await this.ctx.storage.setAlarm(Date.now() + Math.min(60_000, runtimeConfig(this.env).ROLLOUT_STALL_MS / 2));
  }

  rolloutReadyByPrevious(id: string): Promise<Delivery<{ previous: string; tenants: string[] }[]>> {
    return delivered(() => [...this.rollouts.readyByPrevious(id)].map(([previous, tenants]) => ({ previous, tenants })));
  }

  rolloutBehind(): Promise<Delivery<string[]>> {
    return delivered(() => this.rollouts.behind());
  }

  async #publish(type: "rollout.progress" | "rollout.halted" | "rollout.completed", id: string, moment: string): Promise<void> {
    await publishRolloutEvent(this.#app.router(this.env), this.#app.events, type, this.rollouts.get(id), moment);
  }
}

import { beginAlarm, getAlarm, ownAlarms, setAlarm } from "../storage/alarms.ts";
import { DurableObject } from "cloudflare:workers";
import { delivered, type Delivery } from "../shards/delivery.ts";
import { FLEET_MIGRATIONS } from "../fleet/fleet-schema.ts";
import { publishRolloutEvent } from "../fleet/events.ts";
import { launchRun } from "../fleet/fleet-client.ts";
import { RolloutRuns, type RunStatus } from "../fleet/rollout-runs.ts";
import { RolloutStore, type RolloutMember, type RolloutSpec } from "../fleet/rollout-store.ts";
import type { FleetStub } from "../fleet/fleet-client.ts";
import { runtimeConfig, type Rollout, type RolloutOutcome, type RolloutPage, type RolloutStatus, type RolloutTenantPage, type RolloutTenantState } from "../spec/index.ts";
import { runMigrations } from "../storage/migrations.ts";
import type { ClusterEnv } from "../env.ts";
import type { ResolvedApp } from "../cluster/app.ts";
import { clock } from "../clock.ts";

/**
 * One object, named `fleet`: the rollouts across tenants and each rollout's tenants with their
 * state (`RolloutStore`). A rollout's steps run in its Workflow (`RolloutWorkflow`), which calls
 * this object to claim and record each tenant; it halts a rollout here, atomically, once failures
 * pass its threshold, so no tenant starts after that.
 */
export class FleetObject extends DurableObject<ClusterEnv> implements FleetStub {
  readonly rollouts: RolloutStore;
  readonly runs: RolloutRuns;
  readonly #app: ResolvedApp;

  constructor(ctx: DurableObjectState, env: ClusterEnv, app: ResolvedApp) {
    super(ctx, env);
    ownAlarms(ctx, "FLEET");
    this.#app = app;
    this.rollouts = new RolloutStore(ctx.storage.sql, () => clock.now());
    this.runs = new RolloutRuns(ctx.storage.sql, this.rollouts, () => clock.now());
    void ctx.blockConcurrencyWhile(() => Promise.resolve(runMigrations(ctx.storage, FLEET_MIGRATIONS)));
  }

  /** Creates a rollout; a rollback names the halted rollout it cancels in the same call (`cancels`). */
  rolloutCreate(id: string, idempotencyKey: string | null, spec: RolloutSpec, members: RolloutMember[], cancels?: string): Promise<Delivery<{ rollout: Rollout; created: boolean }>> {
    return delivered(async () => {
      const created = this.ctx.storage.transactionSync(() => {
        if (cancels !== undefined && this.rollouts.row(cancels).status === "halted") this.rollouts.transition(cancels, ["halted"], "cancelled");
        return this.rollouts.create(id, idempotencyKey, spec, members);
      });
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

  rolloutBegin(id: string, run: number): Promise<Delivery<{ status: RunStatus; wave: number; sleepMs: number }>> {
    return delivered(() => this.runs.begin(id, run));
  }

  rolloutWave(id: string, run: number, wave: number): Promise<Delivery<{ status: RunStatus; tenants: string[] }>> {
    return delivered(() => this.runs.wave(id, run, wave));
  }

  rolloutClaim(id: string, run: number, tenantId: string): Promise<Delivery<{ ok: boolean; status: RunStatus }>> {
    return delivered(() => this.runs.claim(id, run, tenantId));
  }

  /** Records a tenant's outcome; `rollout.halted` follows the failure that halts it. */
  rolloutRecord(id: string, run: number, tenantId: string, outcome: RolloutOutcome): Promise<Delivery<{ status: RunStatus; halted: boolean }>> {
    return delivered(async () => {
      const result = this.runs.record(id, run, tenantId, outcome);
      if (result.halted) await this.#publish("rollout.halted", id, `halt${run}`);
      return result;
    });
  }

  /** Ends a wave: `rollout.progress`, and `rollout.completed` when it completes the rollout. */
  rolloutWaveDone(id: string, run: number, wave: number): Promise<Delivery<{ status: RunStatus }>> {
    return delivered(async () => {
      const done = this.runs.waveDone(id, run, wave);
      if (done.status !== "superseded") await this.#publish("rollout.progress", id, `${run}.${wave}`);
      if (done.completed) await this.#publish("rollout.completed", id, "done");
      return { status: done.status };
    });
  }

  rolloutUnpause(id: string, run: number): Promise<Delivery<RunStatus>> {
    return delivered(() => this.runs.unpause(id, run));
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
   * Workflow instance lost, errored or stuck) is superseded by a new run that goes on where it
   * stopped; the old one, if it ever wakes, is refused at its next call. Every tenant's step is
   * idempotent, so two runs overlapping for a moment deploy nothing twice.
   */
  override async alarm(): Promise<void> {
    beginAlarm(this.ctx.storage);
    const stallMs = runtimeConfig(this.env).ROLLOUT_STALL_MS;
    for (let stalled = this.runs.restartStalled(stallMs); stalled; stalled = this.runs.restartStalled(stallMs)) {
      await launchRun(this.env, { rolloutId: stalled.id, run: stalled.run }, false).catch((err: unknown) => console.error(`rollout ${stalled.id}: run ${stalled.run} not started`, err));
    }
    await this.#watch(true); // inside its handler the alarm that is running still counts as set: set the next one regardless
  }

  /** Keeps the alarm set while a rollout is running or paused, at half the stall time (at most a minute). */
  async #watch(again = false): Promise<void> {
    if (!this.rollouts.active() || (!again && (await getAlarm(this.ctx.storage)) !== null)) return;
    await setAlarm(this.ctx.storage, clock.now() + Math.min(60_000, runtimeConfig(this.env).ROLLOUT_STALL_MS / 2));
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

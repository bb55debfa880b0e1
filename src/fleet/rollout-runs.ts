import type { RolloutOutcome, RolloutStatus } from "../spec/index.ts";
import type { RolloutStore } from "./rollout-store.ts";

/** What a run is told: the rollout's status, or `superseded` when a newer run (a resume, the watch) has taken over. */
export type RunStatus = RolloutStatus | "superseded";

/**
 * The calls of a rollout's runs (its Workflow instances) to the fleet object. Each names its run;
 * only the newest run may start waves and tenants, so a run that was resumed past, or restarted by
 * the watch, stops at its next call instead of racing the new one. An outcome is recorded whatever
 * run reports it: it is what the tenant did.
 */
export class RolloutRuns {
  constructor(private readonly sql: SqlStorage, private readonly store: RolloutStore, private readonly now: () => number) {}

  /** Where run `run` starts: the current wave, or after a pause the next one once the pause is over. */
  begin(id: string, run: number): { status: RunStatus; wave: number; sleepMs: number } {
    const row = this.store.row(id);
    if (row.runs !== run) return { status: "superseded", wave: 0, sleepMs: 0 };
    if (row.status === "paused") return { status: "paused", wave: row.current_wave, sleepMs: Math.max(0, (row.pause_until ?? 0) - this.now()) };
    return { status: row.status as RolloutStatus, wave: row.current_wave, sleepMs: 0 };
  }

  /** Starts wave `wave`: its pending tenants and those of the waves before (tried again after a resume come first). */
  wave(id: string, run: number, wave: number): { status: RunStatus; tenants: string[] } {
    const status = this.#status(id, run);
    if (status !== "running") return { status, tenants: [] };
    this.sql.exec("UPDATE rollouts SET current_wave = ?, progress_at = ? WHERE id = ?", wave, this.now(), id);
    return { status, tenants: this.sql.exec<{ t: string }>("SELECT tenant_id AS t FROM rollout_tenants WHERE rollout_id = ? AND state IN ('pending', 'running') AND wave <= ? ORDER BY ord", id, wave).toArray().map((r) => r.t) };
  }

  /**
   * Marks a tenant running for run `run`; refused (nothing starts) unless the rollout runs and this
   * is its newest run, except for a retry of a tenant this run already claimed: it may have been
   * applied, and finishing it records what happened.
   */
  claim(id: string, run: number, tenantId: string): { ok: boolean; status: RunStatus } {
    const status = this.#status(id, run);
    if (status !== "running") {
      const mine = this.sql.exec("SELECT 1 FROM rollout_tenants WHERE rollout_id = ? AND tenant_id = ? AND state = 'running' AND claimed_run = ?", id, tenantId, run).toArray().length > 0;
      return { ok: mine, status };
    }
    const claimed = this.sql.exec("UPDATE rollout_tenants SET state = 'running', claimed_run = ?, attempts = attempts + 1 WHERE rollout_id = ? AND tenant_id = ? AND state IN ('pending', 'running')", run, id, tenantId).rowsWritten > 0;
    this.sql.exec("UPDATE rollouts SET progress_at = ? WHERE id = ?", this.now(), id);
    return { ok: claimed, status };
  }

  /**
   * Records a tenant's outcome, when this run claimed it (a run resumed past, whose tenant was reset
   * or claimed again since, records nothing); past `maxFailures` failures a running rollout halts
   * here, so no tenant is claimed after it.
   */
  record(id: string, run: number, tenantId: string, outcome: RolloutOutcome): { status: RunStatus; halted: boolean } {
    const now = this.now();
    const recorded = this.sql.exec("UPDATE rollout_tenants SET state = ?, reason = ?, deployment_id = ?, error = ?, previous_checksum = ?, finished_at = ? WHERE rollout_id = ? AND tenant_id = ? AND state = 'running' AND claimed_run = ?", outcome.state, outcome.reason, outcome.deploymentId, outcome.error === null ? null : JSON.stringify(outcome.error), outcome.previousChecksum, now, id, tenantId, run).rowsWritten > 0;
    this.sql.exec("UPDATE rollouts SET progress_at = ? WHERE id = ?", now, id);
    const status = this.#status(id, run);
    if (!recorded || outcome.state !== "failed" || this.store.row(id).status !== "running") return { status, halted: false };
    const failed = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM rollout_tenants WHERE rollout_id = ? AND state = 'failed'", id).one().n;
    if (failed <= this.store.spec(id).maxFailures) return { status, halted: false };
    this.sql.exec("UPDATE rollouts SET status = 'halted', halted_at = ? WHERE id = ?", now, id);
    return { status: status === "superseded" ? status : "halted", halted: true };
  }

  /**
   * Ends wave `wave`: the last completes the rollout once no tenant is left pending or running (else
   * it stays running, and the watch gives it a new run); another pauses it when it has a pause.
   */
  waveDone(id: string, run: number, wave: number): { status: RunStatus; completed: boolean } {
    const status = this.#status(id, run);
    if (status !== "running") return { status, completed: false };
    const spec = this.store.spec(id);
    const now = this.now();
    if (wave >= spec.waves.length) {
      const left = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM rollout_tenants WHERE rollout_id = ? AND state IN ('pending', 'running')", id).one().n;
      if (left > 0) return { status, completed: false };
      this.sql.exec("UPDATE rollouts SET status = 'completed', finished_at = ?, progress_at = ? WHERE id = ?", now, now, id);
      return { status: "completed", completed: true };
    }
    if (spec.pauseBetweenWavesMs === 0) return { status, completed: false };
    // The wave to run after the pause: a run that takes over (a resume, the watch) starts there.
    this.sql.exec("UPDATE rollouts SET status = 'paused', current_wave = ?, pause_until = ?, progress_at = ? WHERE id = ?", wave + 1, now + spec.pauseBetweenWavesMs, now, id);
    return { status: "paused", completed: false };
  }

  /** After a pause: running again (unless cancelled or superseded meanwhile). */
  unpause(id: string, run: number): RunStatus {
    const status = this.#status(id, run);
    if (status !== "paused") return status;
    this.sql.exec("UPDATE rollouts SET status = 'running', pause_until = NULL, progress_at = ? WHERE id = ?", this.now(), id);
    return "running";
  }

  /**
   * The next stalled rollout, given its next run now: running with no progress for `stallMs`, or
   * paused `stallMs` past the end of its pause (its Workflow instance lost, errored or stuck).
   */
  restartStalled(stallMs: number): { id: string; stalledRun: number; run: number } | undefined {
    const now = this.now();
    const since = now - stallMs;
    const row = this.sql.exec<{ id: string; runs: number }>("SELECT id, runs FROM rollouts WHERE progress_at < ? AND (status = 'running' OR (status = 'paused' AND pause_until < ?)) LIMIT 1", since, since).toArray()[0];
    if (!row) return undefined;
    this.sql.exec("UPDATE rollouts SET runs = runs + 1, progress_at = ? WHERE id = ?", now, row.id); // not stalled again before another stall time
    return { id: row.id, stalledRun: row.runs, run: row.runs + 1 };
  }

  /** The rollout's status as run `run` sees it: one narrow read (the stored spec, tens of KB with its target, is not copied out on every call). */
  #status(id: string, run: number): RunStatus {
    const row = this.sql.exec<{ status: string; runs: number }>("SELECT status, runs FROM rollouts WHERE id = ?", id).toArray()[0];
    if (!row) return "cancelled"; // never: rollouts are not deleted
    return row.runs === run ? (row.status as RolloutStatus) : "superseded";
  }
}

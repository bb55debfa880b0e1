import { AppError, type Rollout, type RolloutCounts, type RolloutFailure, type RolloutPage, type RolloutStatus, type RolloutTarget, type RolloutTenantPage, type RolloutTenantSelector, type RolloutTenantState, type TenantProvisioningStatus } from "../spec/index.ts";

/** What a rollout does, fixed at its start (a resume may change the target). */
export interface RolloutSpec {
  readonly target: RolloutTarget | { readonly rollbackOf: string };
  readonly summary: Rollout["target"];
  readonly tenants: RolloutTenantSelector;
  /** Cumulative tenant counts per wave; the last is the total. */
  readonly waves: readonly number[];
  readonly concurrency: number;
  readonly maxFailures: number;
  readonly pauseBetweenWavesMs: number;
  readonly allowDestructive: boolean;
  readonly rollbackOf: string | null;
}

/** A tenant of a new rollout: skipped from the start (its status the reason) when it is not active. */
export interface RolloutMember { readonly id: string; readonly status: TenantProvisioningStatus }

export interface RolloutRow extends Record<string, SqlStorageValue> { id: string; status: string; spec: string; current_wave: number; runs: number; started_at: number; finished_at: number | null; halted_at: number | null; progress_at: number; pause_until: number | null }
interface TenantRow extends Record<string, SqlStorageValue> { tenant_id: string; wave: number; state: string; reason: string | null; attempts: number; deployment_id: string | null; error: string | null; finished_at: number | null; ord: number }

/** Statuses that hold their tenants: another rollout over any of them is refused (409). */
const HOLDING = "('running', 'paused', 'halted')";
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The rollouts of the fleet and the state of each of their tenants (`rollouts`, `rollout_tenants`). */
export class RolloutStore {
  constructor(private readonly sql: SqlStorage, private readonly now: () => number) {}

  /** Records a rollout over `members` in waves; the same Idempotency-Key gives back the first one. */
  create(id: string, idempotencyKey: string | null, spec: RolloutSpec, members: readonly RolloutMember[]): { rollout: Rollout; created: boolean } {
    const existing = idempotencyKey === null ? undefined : this.sql.exec<{ id: string }>("SELECT id FROM rollouts WHERE idempotency_key = ?", idempotencyKey).toArray()[0];
    if (existing) return { rollout: this.get(existing.id), created: false };
    const held = new Set(this.sql.exec<{ t: string }>(`SELECT t.tenant_id AS t FROM rollout_tenants t JOIN rollouts r ON r.id = t.rollout_id WHERE r.status IN ${HOLDING}`).toArray().map((r) => r.t));
    const overlap = members.filter((m) => held.has(m.id));
    if (overlap.length > 0) throw new AppError("conflict", `${overlap.length} of these tenants are in a rollout that is not finished (${overlap.slice(0, 5).map((m) => m.id).join(", ")}…): cancel it or let it complete first`);
    const now = this.now();
    this.sql.exec("INSERT INTO rollouts (id, idempotency_key, status, spec, started_at, progress_at) VALUES (?, ?, 'running', ?, ?, ?)", id, idempotencyKey, JSON.stringify(spec), now, now);
    members.forEach((m, i) => {
      const wave = spec.waves.findIndex((upTo) => i < upTo) + 1 || spec.waves.length;
      this.sql.exec("INSERT INTO rollout_tenants (rollout_id, tenant_id, ord, wave, state, reason, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?)", id, m.id, i, wave, m.status === "active" ? "pending" : "skipped", m.status === "active" ? null : m.status, m.status === "active" ? null : now);
    });
    return { rollout: this.get(id), created: true };
  }

  get(id: string): Rollout {
    const row = this.row(id);
    const spec = JSON.parse(row.spec) as RolloutSpec;
    const counts: RolloutCounts = { pending: 0, running: 0, ready: 0, failed: 0, skipped: 0 };
    for (const c of this.sql.exec<{ state: RolloutTenantState; n: number }>("SELECT state, COUNT(*) AS n FROM rollout_tenants WHERE rollout_id = ? GROUP BY state", id)) counts[c.state] = c.n;
    const failures = this.sql.exec<{ error: string }>("SELECT error FROM rollout_tenants WHERE rollout_id = ? AND state = 'failed' ORDER BY ord LIMIT 100", id).toArray().map((r) => JSON.parse(r.error) as RolloutFailure);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const seconds = ((row.finished_at ?? this.now()) - row.started_at) / 1000;
    return {
      id, status: row.status as RolloutStatus, target: spec.summary, tenants: spec.tenants, waves: [...spec.waves], currentWave: row.current_wave, concurrency: spec.concurrency,
      maxFailures: spec.maxFailures, pauseBetweenWavesMs: spec.pauseBetweenWavesMs, allowDestructive: spec.allowDestructive, total, counts, failures, rollbackOf: spec.rollbackOf, runs: row.runs,
      startedAt: iso(row.started_at) ?? "", finishedAt: iso(row.finished_at), haltedAt: iso(row.halted_at), ratePerSecond: seconds > 0 ? Math.round(((counts.ready + counts.failed + counts.skipped) / seconds) * 100) / 100 : 0,
    };
  }

  spec(id: string): RolloutSpec {
    return JSON.parse(this.row(id).spec) as RolloutSpec;
  }

  /** Newest first. */
  list(cursor: number | undefined, limit: number): RolloutPage {
    const rows = this.sql.exec<{ id: string; seq: number }>("SELECT id, seq FROM rollouts WHERE seq < ? ORDER BY seq DESC LIMIT ?", cursor ?? Number.MAX_SAFE_INTEGER, limit + 1).toArray();
    return { items: rows.slice(0, limit).map((r) => this.get(r.id)), nextCursor: rows.length > limit ? String(rows[limit - 1]?.seq) : null };
  }

  /** A rollout's tenants in order, optionally of one state. */
  tenants(id: string, state: RolloutTenantState | undefined, cursor: number | undefined, limit: number): RolloutTenantPage {
    this.row(id);
    const rows = this.sql.exec<TenantRow>("SELECT * FROM rollout_tenants WHERE rollout_id = ? AND (? IS NULL OR state = ?) AND ord > ? ORDER BY ord LIMIT ?", id, state ?? null, state ?? null, cursor ?? -1, limit + 1).toArray();
    const items = rows.slice(0, limit).map((r) => ({ tenantId: r.tenant_id, wave: r.wave, state: r.state as RolloutTenantState, reason: r.reason, attempts: r.attempts, deploymentId: r.deployment_id, error: r.error === null ? null : (JSON.parse(r.error) as RolloutFailure), finishedAt: iso(r.finished_at) }));
    return { items, nextCursor: rows.length > limit ? String(rows[limit - 1]?.ord) : null };
  }

  /** Moves a rollout between statuses; 409 when it is in none of `from`. */
  transition(id: string, from: readonly RolloutStatus[], to: RolloutStatus): Rollout {
    const row = this.row(id);
    if (!from.includes(row.status as RolloutStatus)) throw new AppError("conflict", `rollout '${id}' is ${row.status}: it cannot become ${to}`);
    const now = this.now();
    const finished = to === "completed" || to === "cancelled" ? now : null;
    this.sql.exec("UPDATE rollouts SET status = ?, finished_at = ?, halted_at = CASE WHEN ? = 'running' THEN NULL ELSE halted_at END, progress_at = ? WHERE id = ?", to, finished, to, now, id);
    return this.get(id);
  }

  /** Resumes a halted, paused or cancelled rollout in a new run (the old run's calls are refused from now on); a new target replaces the old. */
  resume(id: string, target: RolloutSpec["target"] | undefined, summary: Rollout["target"] | undefined): { run: number } {
    const row = this.row(id);
    if (row.status === "running" || row.status === "completed") throw new AppError("conflict", `rollout '${id}' is ${row.status}: only a halted, paused or cancelled rollout resumes`);
    const held = this.sql.exec<{ r: string }>(`SELECT DISTINCT r.id AS r FROM rollout_tenants t JOIN rollout_tenants mine ON mine.tenant_id = t.tenant_id AND mine.rollout_id = ? JOIN rollouts r ON r.id = t.rollout_id WHERE r.id != ? AND r.status IN ${HOLDING}`, id, id).toArray()[0];
    if (held) throw new AppError("conflict", `rollout '${held.r}' holds some of these tenants now`);
    if (target && summary) this.sql.exec("UPDATE rollouts SET spec = ? WHERE id = ?", JSON.stringify({ ...this.spec(id), target, summary }), id);
    // Failed tenants, and those skipped for not being active, are tried again; with a new target, every tenant is.
    const again = target ? "state != 'pending'" : "(state IN ('failed', 'running') OR (state = 'skipped' AND reason != 'at-target'))";
    this.sql.exec(`UPDATE rollout_tenants SET state = 'pending', claimed_run = NULL, reason = NULL, error = NULL, finished_at = NULL WHERE rollout_id = ? AND ${again}`, id);
    // A paused rollout's current wave is already the next one: resuming it ends the pause.
    this.sql.exec("UPDATE rollouts SET status = 'running', runs = runs + 1, finished_at = NULL, halted_at = NULL, pause_until = NULL, progress_at = ? WHERE id = ?", this.now(), id);
    return { run: this.row(id).runs };
  }

  /** Whether a rollout is running or paused (the fleet's alarm keeps watching while one is). */
  active(): boolean {
    return this.sql.exec("SELECT 1 FROM rollouts WHERE status IN ('running', 'paused') LIMIT 1").toArray().length > 0;
  }

  /** The tenants a rollout made ready, grouped by the bundle each had before (a rollback checks one of each group). */
  readyByPrevious(id: string): Map<string, string[]> {
    this.row(id);
    const groups = new Map<string, string[]>();
    for (const r of this.sql.exec<{ t: string; p: string | null }>("SELECT tenant_id AS t, previous_checksum AS p FROM rollout_tenants WHERE rollout_id = ? AND state = 'ready' ORDER BY ord", id)) {
      groups.set(r.p ?? "", [...(groups.get(r.p ?? "") ?? []), r.t]);
    }
    return groups;
  }

  /**
   * Tenants behind the fleet's target: in the newest rollout that includes each, not brought to its
   * target (pending, running, failed, or skipped for not being active). Sorted by id.
   */
  behind(): string[] {
    return this.sql.exec<{ t: string }>(`
      SELECT t.tenant_id AS t FROM rollout_tenants t JOIN rollouts r ON r.id = t.rollout_id
      WHERE r.seq = (SELECT MAX(r2.seq) FROM rollout_tenants t2 JOIN rollouts r2 ON r2.id = t2.rollout_id WHERE t2.tenant_id = t.tenant_id)
        AND (t.state IN ('pending', 'running', 'failed') OR (t.state = 'skipped' AND t.reason != 'at-target'))
      ORDER BY t.tenant_id`).toArray().map((r) => r.t);
  }

  row(id: string): RolloutRow {
    const row = this.sql.exec<RolloutRow>("SELECT * FROM rollouts WHERE id = ?", id).toArray()[0];
    if (!row) throw new AppError("not_found", `no rollout '${id}'`);
    return row;
  }
}

import { AppError, type Deployment, type DeploymentPage } from "../spec/index.ts";
import { pageCursor, parsePageCursor } from "../storage/page-cursor.ts";

/** The deployment log of a tenant (`tenant_deployments`): every applied or failed deployment. */
export class DeploymentLog {
  constructor(private readonly sql: SqlStorage) {}

  save(deployment: Deployment, applied: boolean, now: number): void {
    this.sql.exec("INSERT INTO tenant_deployments (id, applied, created_at, body) VALUES (?, ?, ?, ?)", deployment.id, applied ? 1 : 0, now, JSON.stringify(deployment));
  }

  get(id: string): Deployment {
    const row = this.sql.exec<{ body: string }>("SELECT body FROM tenant_deployments WHERE id = ?", id).toArray()[0];
    if (!row) throw new AppError("not_found", `no deployment '${id}'`);
    return JSON.parse(row.body) as Deployment;
  }

  /**
   * Deployments newest first (by the log's order, `seq`), without their validation, diff and plan.
   * The cursor is the page cursor of the last row's (seq, id); one that is not answers 400.
   */
  list(cursor: string | undefined, limit: number): DeploymentPage {
    const before = cursor === undefined ? Number.MAX_SAFE_INTEGER : parsePageCursor(cursor).at;
    const rows = this.sql.exec<{ seq: number; body: string }>("SELECT seq, body FROM tenant_deployments WHERE seq < ? ORDER BY seq DESC LIMIT ?", before, limit + 1).toArray();
    const page = rows.slice(0, limit).map((r) => ({ seq: r.seq, d: JSON.parse(r.body) as Deployment }));
    const last = page[page.length - 1];
    return {
      items: page.map(({ d }) => ({ id: d.id, status: d.status, owner: d.owner, version: d.version, metadataVersion: d.metadataVersion, error: d.error, createdAt: d.createdAt, finishedAt: d.finishedAt })),
      nextCursor: rows.length > limit && last ? pageCursor(last.seq, last.d.id) : null,
    };
  }

  /** The manifest version of an owner's (`tenant`, `app:<name>`) last applied deployment, if any. */
  lastAppliedVersion(owner: string): string | undefined {
    return this.sql.exec<{ v: string }>("SELECT json_extract(body, '$.version') AS v FROM tenant_deployments WHERE applied = 1 AND json_extract(body, '$.owner') = ? ORDER BY seq DESC LIMIT 1", owner).toArray()[0]?.v;
  }

  /** Applied deployments in the 24 h before `now`, and when the oldest of them leaves the window. */
  lastDay(now: number): { count: number; oldest: number | null } {
    const row = this.sql.exec<{ n: number; oldest: number | null }>("SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM tenant_deployments WHERE applied = 1 AND created_at > ?", now - 86_400_000).one();
    return { count: row.n, oldest: row.oldest };
  }
}

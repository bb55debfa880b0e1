import { AppError, type Deployment } from "../spec/index.ts";

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

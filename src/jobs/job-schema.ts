import type { Migration } from "../storage/migrations.ts";

/**
 * The `jobs` table of a job shard (`Jobs/<shard>`). One row per job; `attempts` is the fencing
 * token of the running attempt (it only grows: a retry raises `max_attempts` by the submit's
 * `budget` instead of resetting it); `lease_until` is set exactly while the job runs; a unique
 * `idempotency_key` makes a repeated submit find the first job.
 */
export function jobsMigration(version: number): Migration {
  return {
    version,
    name: "jobs",
    sql: `
      CREATE TABLE IF NOT EXISTS jobs (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        job_key TEXT,
        idempotency_key TEXT UNIQUE,
        input TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'failed', 'completed', 'dead', 'cancelled')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
        budget INTEGER NOT NULL CHECK (budget BETWEEN 1 AND 100),
        run_at INTEGER NOT NULL,
        lease_until INTEGER,
        result TEXT,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        updated_at INTEGER NOT NULL,
        CHECK ((status = 'running') = (lease_until IS NOT NULL)),
        CHECK (status NOT IN ('completed', 'dead', 'cancelled') OR finished_at IS NOT NULL)
      );
      CREATE INDEX IF NOT EXISTS jobs_due ON jobs (status, run_at);
      CREATE INDEX IF NOT EXISTS jobs_created ON jobs (created_at, id);
    `,
  };
}

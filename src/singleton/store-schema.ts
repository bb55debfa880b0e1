import { DEAD_LETTER_GAPS_SQL, DEAD_LETTER_SQL } from "../events/dead-letters.ts";
import { STUCK_STREAMS_SQL } from "../events/stuck-streams.ts";
import { ACTIVITY_SQL } from "../activity/store.ts";
import type { Migration } from "../storage/migrations.ts";
import { DIRECTORY_SQL } from "./directory.ts";

/**
 * The SQLite schema of a `SingletonObject`: its tasks and the runs of their ticks. A run's primary
 * key is `(task_id, scheduled_at)`: the tick id, so a tick is recorded exactly once.
 */
export const SINGLETON_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "tasks and runs",
    sql: `
      CREATE TABLE IF NOT EXISTS singleton_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS tasks (
        task_id TEXT PRIMARY KEY,
        source TEXT NOT NULL CHECK (source IN ('code', 'http')),
        spec TEXT NOT NULL,
        schedule TEXT NOT NULL,
        action TEXT,
        catch_up TEXT NOT NULL CHECK (catch_up IN ('skip', 'all', 'none')),
        catch_up_cap INTEGER NOT NULL CHECK (catch_up_cap >= 1),
        max_attempts INTEGER NOT NULL CHECK (max_attempts BETWEEN 1 AND 20),
        paused INTEGER NOT NULL CHECK (paused IN (0, 1)),
        anchor INTEGER NOT NULL,
        next_run_at INTEGER,
        missed INTEGER NOT NULL DEFAULT 0 CHECK (missed >= 0),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS runs (
        task_id TEXT NOT NULL,
        scheduled_at INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'retrying', 'succeeded', 'failed', 'skipped_overlap')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        started_at INTEGER,
        ended_at INTEGER,
        lease_until INTEGER,
        next_attempt_at INTEGER,
        error TEXT,
        PRIMARY KEY (task_id, scheduled_at)
      );
      CREATE INDEX IF NOT EXISTS runs_active ON runs (status, next_attempt_at, lease_until);
    `,
  },
  // The events capability keeps its dead-letter list in the singleton `events-dlq`.
  { version: 2, name: "event dead letters", sql: DEAD_LETTER_SQL },
  { version: 3, name: "gap dead letters and stuck streams", sql: `${DEAD_LETTER_GAPS_SQL} ${STUCK_STREAMS_SQL}` },
  // Each task's fastest pace in ticks per second (the schedule budget); NULL until computed.
  { version: 4, name: "task rates", sql: "ALTER TABLE tasks ADD COLUMN rate REAL;" },
  // The cluster's directory of objects (kept by the singleton `~directory`; see directory.ts).
  { version: 5, name: "directory", sql: DIRECTORY_SQL },
  // The cluster's recent activity (kept by the singleton `~activity`; see activity/store.ts).
  { version: 6, name: "activity", sql: ACTIVITY_SQL },
];

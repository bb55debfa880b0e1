/**
 * What one shard tells the cluster's activity object, at most once per flush interval: counts since
 * its last report, and its outbox's owed rows as last seen.
 */
export interface ActivityReport {
  /** The shard object's name, `<type>/<n>`. */
  readonly shard: string;
  /** Messages its entities handled (a duplicate answered from the dedup record counts too). */
  readonly messages: number;
  /** Failed messages by error code (`validation_failed`, `internal`, `timeout`, …). */
  readonly errors: Readonly<Record<string, number>>;
  /** Events its entities emitted, by event type. */
  readonly events: Readonly<Record<string, number>>;
  /** Rows of its outbox not yet acknowledged by the consumer, when it last looked (null: not looked). */
  readonly owed: number | null;
}

/** The singleton object that keeps the cluster's activity (like `~directory`, no app singleton can take the name). */
export const ACTIVITY_OBJECT = "~activity";

/** The activity RPCs of the `~activity` singleton object. */
export interface ActivityStub {
  recordActivity(reports: ActivityReport[]): Promise<void>;
}

import type { ActionJobs } from "../singleton/actions.ts";
import { JobClient, type JobNamespace } from "./client.ts";
import type { JobRegistry } from "./define.ts";
import { Directory, type DirectoryNamespace } from "../singleton/directory.ts";

/**
 * The `job` action of scheduled tasks: checked against the job registry when the task is stored,
 * submitted at each tick with the tick id as its Idempotency-Key, so a retried or re-run tick finds
 * the job its first run submitted instead of making another.
 */
export function actionJobs(env: { SHARDS: JobNamespace; SINGLETONS: DirectoryNamespace }, registry: JobRegistry): ActionJobs {
  const client = new JobClient(env.SHARDS, registry, new Directory(env.SINGLETONS));
  return {
    validate: (job) => void client.prepare({ type: job.type, input: job.input, ...(job.key === undefined ? {} : { key: job.key }) }),
    submit: (job, idempotencyKey) => client.submit({ type: job.type, input: job.input, ...(job.key === undefined ? {} : { key: job.key }) }, idempotencyKey),
  };
}

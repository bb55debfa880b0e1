import type { EventMessage } from "../spec/index.ts";
import type { FunctionTarget } from "../events/define.ts";
import { JobClient } from "./client.ts";
import { Directory } from "../singleton/directory.ts";
import { createJobRegistry, type JobDefinition } from "./define.ts";

/**
 * An event subscription target that submits a job per event, with `event:<eventId>` as its
 * Idempotency-Key: a redelivered event finds the job it already submitted, so each event makes
 * exactly one job even under at-least-once delivery. The job type must also be in the app's job
 * registry (the shards run it from there).
 *
 * @example defineSubscription(JobRequested, { name: "echo-job", deliver: "at-least-once", to: jobTarget(EchoJob, { input: (e) => ({ message: e.message }) }) })
 */
export function jobTarget<P>(job: JobDefinition, options: { input?: (event: P, message: EventMessage) => unknown; key?: (event: P, message: EventMessage) => string | undefined } = {}): FunctionTarget<P> {
  const registry = createJobRegistry([job]);
  return {
    run: async (event, message, ctx) => {
      const key = options.key?.(event, message);
      const input = options.input ? options.input(event, message) : event;
      await new JobClient(ctx.env.SHARDS, registry, new Directory(ctx.env.SINGLETONS)).submit({ type: job.type, input, ...(key === undefined ? {} : { key }) }, jobEventKey(message.eventId));
    },
  };
}

/** The Idempotency-Key of the job an event submits. */
export function jobEventKey(eventId: string): string {
  return `event:${eventId}`;
}

import { z } from "zod";
import { defineEvent, defineJob, defineSubscription, jobTarget } from "../../src/index.ts";

/** `demo.echo {message}`: returns its input and the attempt that ran it. */
export const EchoJob = defineJob({
  type: "demo.echo",
  input: z.object({ message: z.string().max(1024).describe("Echoed back in the result") }),
  handler: (ctx, { message }) => ({ echo: message, attempt: ctx.attempt, idempotencyKey: ctx.idempotencyKey }),
});

/** Published to ask for an echo job: the `echo-job` subscription submits one per event (event id = idempotency key). */
export const JobRequested = defineEvent({ type: "demo.job-requested", payload: z.object({ message: z.string().max(1024) }) });

export const jobSubscriptions = [
  defineSubscription(JobRequested, { name: "echo-job", deliver: "at-least-once", to: jobTarget(EchoJob, { input: (e) => ({ message: e.message }) }) }),
];

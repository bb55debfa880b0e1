import { z } from "zod";
import { defineEvent, defineSubscription } from "../events/define.ts";
import { createJobRegistry, defineJob, NonRetryableJobError } from "../jobs/define.ts";
import { jobTarget } from "../jobs/subscription.ts";
import { GreetJob } from "./greeting.ts";

/** Returns its input and the attempt that ran it. */
export const EchoJob = defineJob({
  type: "demo.echo",
  input: z.object({ message: z.string().max(1024).describe("Echoed back in the result") }),
  handler: (ctx, { message }) => ({ echo: message, attempt: ctx.attempt, idempotencyKey: ctx.idempotencyKey }),
});

/** Fails its first `failures` attempts (or every attempt with `fatal`, non-retryably), then succeeds. Tiny backoff, for tests. */
export const FlakyJob = defineJob({
  type: "demo.flaky",
  input: z.object({ failures: z.number().int().min(0).max(100), fatal: z.boolean().optional() }),
  backoff: { baseMs: 50, maxMs: 400 },
  handler: (ctx, { failures, fatal }) => {
    if (fatal) throw new NonRetryableJobError("demo.flaky was told to fail for good");
    if (ctx.attempt <= failures) throw new Error(`planned failure ${ctx.attempt} of ${failures}`);
    return { succeededOnAttempt: ctx.attempt };
  },
});

/** Waits `ms` before answering: a job that is running long enough to be evicted or cancelled. Timeout 5 s (lease 10 s). */
export const SlowJob = defineJob({
  type: "demo.slow",
  input: z.object({ ms: z.number().int().min(0).max(4_000) }),
  timeoutMs: 5_000,
  handler: async (ctx, { ms }) => {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      ctx.signal.addEventListener("abort", () => clearTimeout(timer));
    });
    return { sleptMs: ms, attempt: ctx.attempt };
  },
});

/** Always fails, retryably, with a long backoff (10 s doubling to 60 s): the retry schedule is visible in its row. */
export const FailingJob = defineJob({
  type: "demo.failing",
  input: z.object({}),
  backoff: { baseMs: 10_000, maxMs: 60_000 },
  handler: () => {
    throw new Error("demo.failing always fails");
  },
});

/** Published to ask for an echo job: the `echo-job` subscription submits one per event (event id = idempotency key). */
export const JobRequested = defineEvent({ type: "demo.job-requested", payload: z.object({ message: z.string().max(1024) }) });

export const jobSubscriptions = [
  defineSubscription(JobRequested, { name: "echo-job", deliver: "at-least-once", to: jobTarget(EchoJob, { input: (e) => ({ message: e.message }) }) }),
];

/** Every job type of the demo application. */
export const jobs = createJobRegistry([EchoJob, FlakyJob, SlowJob, FailingJob, GreetJob]);

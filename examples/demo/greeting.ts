import { z } from "zod";
import { defineEvent, defineSubscription, defineJob, jobTarget, versioned } from "../../src/index.ts";

/**
 * A versioned payload shared by an event and a job (EVNT-06): v1 was `{ name }`; v2 added
 * `greeting` (default "hello"). An event or a job stored by v1 code is read as v2.
 */
export const GreetingV1 = z.object({ name: z.string().min(1).max(100).describe("Who to greet") });
export const GreetingV2 = GreetingV1.extend({ greeting: z.string().min(1).max(40).default("hello").describe("The word of greeting (v2)") });
export const Greeting = versioned({ versions: [GreetingV1, GreetingV2] });

/** `demo.greet`: answers `<greeting>, <name>`; its input is versioned. */
export const GreetJob = defineJob({
  type: "demo.greet",
  input: Greeting.schema,
  handler: (_ctx, { name, greeting }) => ({ text: `${greeting}, ${name}`, v: 2 }),
});

/** `demo.greeted`: a versioned event whose `greet-job` subscription submits one `demo.greet` job per event. */
export const Greeted = defineEvent({ type: "demo.greeted", payload: Greeting.schema });

/** The subscriber reads v2's `greeting` (shouted): a v1 event reaches it upgraded, or it would throw. */
export const greetingSubscriptions = [defineSubscription(Greeted, { name: "greet-job", deliver: "at-least-once", to: jobTarget(GreetJob, { input: (e) => Greeting.encode({ name: e.name, greeting: e.greeting.toUpperCase() }) }) })];

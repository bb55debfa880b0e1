import { z } from "zod";

/**
 * State machines (EVNT-05): what an entity declared as a machine records per transition. The
 * states and events themselves are the application's zod discriminated unions (on `state` and on
 * `type`); these are the shapes around them.
 */

/** One applied transition, as kept in the entity's bounded history. */
export const MachineTransitionSchema = z
  .object({
    version: z.number().int().positive().describe("The machine's version after this transition (1 for the first)"),
    from: z.string().describe("The state left"),
    to: z.string().describe("The state entered"),
    event: z.object({ type: z.string().describe("Event type") }).loose().describe("The event that caused it"),
    at: z.number().int().describe("ms since the epoch"),
  })
  .describe("A state transition");
export type MachineTransition = z.infer<typeof MachineTransitionSchema>;

/** The `extra` of a 409 `invalid_transition`: the state the entity is in and the event refused. */
export const InvalidTransitionSchema = z
  .object({ state: z.string().describe("Current state"), event: z.string().describe("Refused event type") })
  .describe("Why a transition was refused");
export type InvalidTransition = z.infer<typeof InvalidTransitionSchema>;

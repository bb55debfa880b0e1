import type { z } from "zod";
import { AppError } from "../spec/index.ts";

type StateOf<S extends z.ZodType<{ state: string }>> = z.output<S>;
type EventOf<E extends z.ZodType<{ type: string }>> = z.output<E>;

/** The transition table: for each state, the events it accepts and the next state each gives. */
export type Transitions<S extends z.ZodType<{ state: string }>, E extends z.ZodType<{ type: string }>> = {
  readonly [K in StateOf<S>["state"]]?: {
    readonly [T in EventOf<E>["type"]]?: (state: Extract<StateOf<S>, { state: K }>, event: Extract<EventOf<E>, { type: T }>) => StateOf<S>;
  };
};

/** A declared state machine: pure, no storage. */
export interface Machine<S extends z.ZodType<{ state: string }> = z.ZodType<{ state: string }>, E extends z.ZodType<{ type: string }> = z.ZodType<{ type: string }>> {
  readonly states: S;
  readonly events: E;
  readonly initial: StateOf<S>;
  /** True when `event` is a valid transition from `state`. */
  can(state: StateOf<S>, event: EventOf<E>): boolean;
  /** The next state, or 409 `invalid_transition` naming the state and the event (nothing else happens). */
  transition(state: StateOf<S>, event: EventOf<E>): StateOf<S>;
  /** Every (state, event) pair the table accepts. */
  edges(): { state: string; event: string }[];
}

type Step = (state: unknown, event: unknown) => unknown;

/**
 * Declares a state machine: states a zod discriminated union on `state`, events one on `type`,
 * and a pure transition table. A pair missing from the table is an invalid transition. The next
 * state is validated against `states` (a table returning a bad state is a bug: 500).
 *
 * @example
 * const OrderMachine = defineMachine({
 *   states: z.discriminatedUnion("state", [z.object({ state: z.literal("pending") }), z.object({ state: z.literal("paid"), amount: z.number() })]),
 *   events: z.discriminatedUnion("type", [z.object({ type: z.literal("pay"), amount: z.number() })]),
 *   initial: { state: "pending" },
 *   transitions: { pending: { pay: (_s, e) => ({ state: "paid", amount: e.amount }) } },
 * });
 */
export function defineMachine<S extends z.ZodType<{ state: string }>, E extends z.ZodType<{ type: string }>>(config: {
  readonly states: S;
  readonly events: E;
  readonly initial: StateOf<S>;
  readonly transitions: NoInfer<Transitions<S, E>>;
}): Machine<S, E> {
  const initial = config.states.safeParse(config.initial);
  if (!initial.success) throw new Error(`defineMachine: initial state is invalid: ${initial.error.issues[0]?.message}`);
  const table = config.transitions as Readonly<Record<string, Readonly<Record<string, Step | undefined>> | undefined>>;
  const find = (state: { state: string }, event: { type: string }): Step | undefined => (Object.hasOwn(table, state.state) && table[state.state] && Object.hasOwn(table[state.state] ?? {}, event.type) ? table[state.state]?.[event.type] : undefined);
  return {
    states: config.states,
    events: config.events,
    initial: initial.data,
    can: (state, event) => find(state, event) !== undefined,
    transition(state, event) {
      const step = find(state, event);
      if (!step) throw new AppError("invalid_transition", `event '${event.type}' is not a valid transition from state '${state.state}'`, { extra: { state: state.state, event: event.type } });
      const next = config.states.safeParse(step(state, event));
      if (!next.success) throw new AppError("internal", `the transition ${state.state} --${event.type}--> produced an invalid state`);
      return next.data;
    },
    edges: () => Object.entries(table).flatMap(([state, events]) => Object.keys(events ?? {}).map((event) => ({ state, event }))),
  };
}

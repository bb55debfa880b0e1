import { z } from "zod";
import { defineEntity } from "../shards/define-entity.ts";
import type { HandlerContext } from "../shards/index.ts";
import { MachineTransitionSchema, type MachineTransition } from "../spec/index.ts";
import type { Machine } from "./machine.ts";
import { clock } from "../clock.ts";

/** The reply of `send`: the version and state after the transition. */
export interface MachineReply<T> {
  version: number;
  state: T;
}

/** The stored state of a machine entity. */
export interface MachineState<T> {
  version: number;
  current: T;
  history: MachineTransition[];
}

/** Default number of transitions an entity keeps in its history (oldest dropped first). */
export const DEFAULT_HISTORY_LIMIT = 50;

/** What `onTransition` sees: called inside the handler, so its `ctx.emit` commits with the transition. */
export interface TransitionContext {
  readonly ctx: HandlerContext<unknown>;
  readonly transition: MachineTransition;
}

/**
 * Declares an entity whose state is a machine. Its stored state is `{ version, current, history }`:
 * each accepted event writes the next state, version + 1 and a `(version, from, to, event, at)`
 * history row in the handler's one transaction (so the state after an eviction is the state
 * before). Messages: `send` (an event: 409 `invalid_transition` with nothing written when the
 * table refuses it) and `get` (version, state and history, newest last, at most `historyLimit`).
 */
export function defineMachineEntity<S extends z.ZodType<{ state: string }>, E extends z.ZodType<{ type: string }>>(config: {
  readonly type: string;
  readonly shards?: number;
  readonly machine: Machine<S, E>;
  readonly historyLimit?: number;
  /** Runs inside the transaction of each transition (e.g. to emit an event). */
  readonly onTransition?: (context: TransitionContext) => void;
}) {
  const { machine } = config;
  const limit = config.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`defineMachineEntity(${config.type}): historyLimit must be a positive integer`);
  // Generic object schemas lose their key types under TypeScript; the casts restate them.
  const Reply = z.object({ version: z.number().int().nonnegative().describe("Transitions applied"), state: machine.states }) as unknown as z.ZodType<MachineReply<z.output<S>>>;
  const Snapshot = z.object({ version: z.number().int().nonnegative(), state: machine.states, history: z.array(MachineTransitionSchema) }) as unknown as z.ZodType<MachineReply<z.output<S>> & { history: MachineTransition[] }>;
  const State = z.object({ version: z.number().int().nonnegative(), current: machine.states, history: z.array(MachineTransitionSchema).max(limit) }) as unknown as z.ZodType<MachineState<z.output<S>>>;
  return defineEntity({
    type: config.type,
    ...(config.shards === undefined ? {} : { shards: config.shards }),
    state: State,
    initial: () => ({ version: 0, current: machine.initial, history: [] }),
    messages: {
      send: { input: machine.events, output: Reply },
      get: { input: z.object({}), output: Snapshot },
    },
    handlers: {
      send(ctx, event) {
        const from = ctx.state.current;
        const next = machine.transition(from, event);
        const transition: MachineTransition = { version: ctx.state.version + 1, from: from.state, to: next.state, event, at: clock.now() };
        ctx.setState({ version: transition.version, current: next, history: [...ctx.state.history, transition].slice(-limit) });
        config.onTransition?.({ ctx, transition });
        return { version: transition.version, state: next };
      },
      get: (ctx) => ({ version: ctx.state.version, state: ctx.state.current, history: ctx.state.history }),
    },
  });
}

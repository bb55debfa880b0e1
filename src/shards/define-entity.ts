import type { z } from "zod";
import { EntityTypeSchema } from "../spec/index.ts";
import { DEFAULT_HANDLER_TIMEOUT_MS, DEFAULT_SHARDS, type EntityConfig, type EntityDefinition, type MessageSpecs } from "./entity.ts";

const MESSAGE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * Declares an entity type: its state schema and initial state, its messages (input and reply
 * schemas) and one handler per message. Validated eagerly: a bad name, a shard count outside
 * 1..65,536 or a message without a handler throws here, naming the field.
 *
 * @example
 * const Counter = defineEntity({
 *   type: "Counter",
 *   state: z.object({ value: z.number().int() }),
 *   initial: () => ({ value: 0 }),
 *   messages: { increment: { input: z.object({ by: z.number().int() }), output: z.object({ value: z.number().int() }) } },
 *   handlers: { increment: (ctx, { by }) => ({ value: (ctx.state.value += by) }) },
 * });
 */
export function defineEntity<S extends z.ZodType, M extends MessageSpecs, B extends MessageSpecs = Record<never, never>>(
  config: EntityConfig<S, M, B>,
): EntityDefinition<S, M, B> {
  const type = EntityTypeSchema.safeParse(config.type);
  if (!type.success) throw new Error(`defineEntity: type '${config.type}' is invalid: ${type.error.issues[0]?.message}`);
  const shards = config.shards ?? DEFAULT_SHARDS;
  if (!Number.isInteger(shards) || shards < 1 || shards > 65_536) throw new Error(`defineEntity(${config.type}): shards must be an integer in 1..65536, got ${shards}`);
  const timeoutMs = config.timeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new Error(`defineEntity(${config.type}): timeoutMs must be a positive integer`);
  const broadcasts = config.broadcasts ?? ({} as B);
  const broadcastHandlers = config.broadcastHandlers ?? ({} as EntityDefinition<S, M, B>["broadcastHandlers"]);
  for (const [kind, specs, handlers] of [["message", config.messages, config.handlers], ["broadcast", broadcasts, broadcastHandlers]] as const) {
    for (const name of Object.keys(specs)) {
      if (!MESSAGE_NAME.test(name)) throw new Error(`defineEntity(${config.type}): ${kind} name '${name}' is invalid`);
      if (typeof (handlers as Record<string, unknown>)[name] !== "function") throw new Error(`defineEntity(${config.type}): ${kind} '${name}' has no handler`);
    }
  }
  return { ...config, type: type.data, shards, timeoutMs, broadcasts, broadcastHandlers };
}

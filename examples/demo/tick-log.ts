import { z } from "zod";
import { defineEntity } from "../../src/index.ts";

/** Entries kept per log (the latest). */
const KEEP = 500;

const Entry = z.object({
  source: z.string().max(128).describe("Who recorded: a task or service name"),
  tickId: z.string().max(256).describe("The tick id the recorder was given"),
  isLeader: z.boolean().describe("The recorder's cluster context isLeader flag"),
  shardId: z.number().int().optional().describe("The shard a partitioned or broadcast service ran in"),
});

/**
 * The demo's observable log of scheduled work: tasks and services record each tick they run, so
 * tests (and people) can see which ticks ran, where, with which leader flag, and how often.
 */
export const TickLog = defineEntity({
  type: "TickLog",
  shards: 16,
  state: z.object({ entries: z.array(Entry.extend({ at: z.number().int() })) }),
  initial: () => ({ entries: [] }),
  messages: {
    record: { input: Entry, output: z.object({ count: z.number().int() }) },
    list: { input: z.object({}), output: z.object({ entries: z.array(Entry.extend({ at: z.number().int() })) }) },
  },
  handlers: {
    record(ctx, entry) {
      ctx.state.entries = [...ctx.state.entries, { ...entry, at: Date.now() }].slice(-KEEP);
      return { count: ctx.state.entries.length };
    },
    list: (ctx) => ({ entries: ctx.state.entries }),
  },
});

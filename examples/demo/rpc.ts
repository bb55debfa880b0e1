import { z } from "zod";
import { defineRpc, EntityKeySchema, type RealtimeSurface } from "../../src/index.ts";
import { Account } from "./account.ts";
import { Counter } from "./counter.ts";

/** `counter.add {key, by}`: an entity message whose id is the call id, so a retried call is applied once. */
const counterAdd = defineRpc({
  method: "counter.add",
  params: z.object({ key: EntityKeySchema, by: z.number().int().min(-1_000_000).max(1_000_000) }).strict(),
  result: z.object({ value: z.number().int() }),
  handler: (ctx, { key, by }) => ctx.router.to(Counter).request(key, "increment", { by }, ctx.callId === undefined ? {} : { messageId: `rpc:${ctx.user}:${ctx.callId}` }),
});

/** `account.withdraw {key, amount}`: an overdraft is the entity's 409, answered as -32010 with the problem. */
const accountWithdraw = defineRpc({
  method: "account.withdraw",
  params: z.object({ key: EntityKeySchema, amount: z.number().int().positive() }).strict(),
  result: z.object({ balance: z.number().int() }),
  handler: (ctx, { key, amount }) => ctx.router.to(Account).request(key, "withdraw", { amount }),
});

/** `chat.post {room, text}`: publishes to topic `chat.<room>` as the caller. */
const chatPost = defineRpc({
  method: "chat.post",
  params: z.object({ room: z.string().regex(/^[a-z0-9-]{1,32}$/), text: z.string().min(1).max(2000) }).strict(),
  result: z.object({ delivered: z.number().int() }),
  handler: async (ctx, { room, text }) => ({ delivered: (await ctx.realtime.publish(`chat.${room}`, { text }, { tenant: ctx.tenant, from: ctx.user })).delivered }),
});

/** `whoami`: the caller as the gateway knows it. */
const whoami = defineRpc({
  method: "whoami",
  params: z.object({}).strict().optional(),
  result: z.object({ user: z.string(), tenant: z.string().nullable(), connectionId: z.string() }),
  handler: (ctx) => ({ user: ctx.user, tenant: ctx.tenant ?? null, connectionId: ctx.connectionId }),
});

/** `admin.only`: refused for everyone but the user `admin`, to show `authorize`. */
const adminOnly = defineRpc({
  method: "admin.only",
  params: z.object({}).strict().optional(),
  result: z.object({ ok: z.literal(true) }),
  authorize: (ctx) => ctx.user === "admin",
  handler: () => ({ ok: true as const }),
});

/**
 * The demo's realtime surface. Policy: anyone may subscribe to any topic except another user's
 * `private.<user>`; clients may publish to `chat.*` and `public.*` topics and send to any user.
 */
export const rpc = {
  methods: [counterAdd, accountWithdraw, chatPost, whoami, adminOnly],
  policy: {
    canSubscribe: (user, topic) => !topic.startsWith("private.") || topic === `private.${user}`,
    canPublish: (_user, topic) => topic.startsWith("chat.") || topic.startsWith("public."),
    canSend: () => true,
  },
} satisfies RealtimeSurface;

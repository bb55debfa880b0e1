import { z } from "zod";
import { defineMachine, defineMachineEntity } from "../../src/index.ts";

const Amount = z.number().int().positive().describe("Amount in minor units");

/** The demo order's lifecycle: `pending → paid → shipped`, and `pending | paid → cancelled`. */
export const OrderMachine = defineMachine({
  states: z.discriminatedUnion("state", [
    z.object({ state: z.literal("pending") }),
    z.object({ state: z.literal("paid"), amount: Amount }),
    z.object({ state: z.literal("shipped"), amount: Amount }),
    z.object({ state: z.literal("cancelled"), reason: z.string().max(256).describe("Why") }),
  ]).describe("Order state"),
  events: z.discriminatedUnion("type", [
    z.object({ type: z.literal("pay"), amount: Amount }),
    z.object({ type: z.literal("ship") }),
    z.object({ type: z.literal("cancel"), reason: z.string().max(256).describe("Why") }),
  ]).describe("Order event"),
  initial: { state: "pending" },
  transitions: {
    pending: {
      pay: (_state, { amount }) => ({ state: "paid", amount }),
      cancel: (_state, { reason }) => ({ state: "cancelled", reason }),
    },
    paid: {
      ship: ({ amount }) => ({ state: "shipped", amount }),
      cancel: (_state, { reason }) => ({ state: "cancelled", reason }),
    },
  },
});

/** The demo `Order` entity: its state is {@link OrderMachine}; `send` applies an event, `get` shows state and history. */
export const Order = defineMachineEntity({ type: "Order", shards: 64, machine: OrderMachine, historyLimit: 50 });

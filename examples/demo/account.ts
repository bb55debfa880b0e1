import { z } from "zod";
import { AppError, defineEntity } from "../../src/index.ts";
import { errors } from "./errors.ts";

const Amount = z.object({ amount: z.number().int().positive().max(1_000_000_000_000).describe("Amount in minor units (cents)") });
const Balance = z.object({ balance: z.number().int().nonnegative().describe("Balance after the message, minor units") });

/**
 * The demo account: a balance that never goes negative. An overdraft is refused with 409
 * `insufficient_funds` and changes nothing.
 */
export const Account = defineEntity({
  type: "Account",
  shards: 64,
  state: z.object({ balance: z.number().int().nonnegative() }),
  initial: () => ({ balance: 0 }),
  messages: {
    deposit: { input: Amount, output: Balance },
    withdraw: { input: Amount, output: Balance },
    balance: { input: z.object({}), output: Balance },
  },
  handlers: {
    deposit(ctx, { amount }) {
      ctx.state.balance += amount;
      return { balance: ctx.state.balance };
    },
    withdraw(ctx, { amount }) {
      if (ctx.state.balance < amount) {
        throw new AppError(errors.insufficient_funds, `balance ${ctx.state.balance} is less than ${amount}`, { extra: { balance: ctx.state.balance, amount } });
      }
      ctx.state.balance -= amount;
      return { balance: ctx.state.balance };
    },
    balance: (ctx) => ({ balance: ctx.state.balance }),
  },
});

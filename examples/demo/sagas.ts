import { z } from "zod";
import { defineSaga } from "../../src/index.ts";
import { Account } from "./account.ts";
import { Inventory } from "./inventory.ts";
import { Order } from "./order.ts";
import { TransferInput } from "./transfer-input.ts";

const Key = z.string().min(1).max(200).regex(/^[A-Za-z0-9._:@~+=-]+$/).describe("Entity key");

/**
 * `transfer`: withdraw from `from`, deposit to `to`; the withdrawal's compensation deposits the
 * amount back to `from`. An overdraft is 409 `insufficient_funds`: refused at once, nothing to undo.
 */
export const Transfer = defineSaga({
  name: "transfer",
  input: TransferInput.schema,
  steps: [
    {
      name: "withdraw",
      run: (c) => c.router.to(Account).request(c.input.from, "withdraw", { amount: c.input.amount }, { messageId: c.messageId }),
      compensate: (c) => c.router.to(Account).request(c.input.from, "deposit", { amount: c.input.amount }, { messageId: c.messageId }),
    },
    {
      name: "deposit",
      run: (c) => c.router.to(Account).request(c.input.to, "deposit", { amount: c.input.amount }, { messageId: c.messageId }),
    },
  ],
});

export const OrderInput = z.object({
  orderId: Key,
  sku: Key,
  qty: z.number().int().positive().max(1_000),
  customer: Key.describe("Account charged"),
  amount: z.number().int().positive().max(1_000_000_000),
});

/** `order`: reserve stock, charge the customer (and mark the `Order` paid), ship it; a failed step undoes the ones before it. */
export const OrderSaga = defineSaga({
  name: "order",
  input: OrderInput,
  steps: [
    {
      name: "reserve",
      retry: { limit: 2, delay: 200 },
      run: (c) => c.router.to(Inventory).request(c.input.sku, "reserve", { qty: c.input.qty }, { messageId: c.messageId }),
      compensate: (c) => c.router.to(Inventory).request(c.input.sku, "release", { qty: c.input.qty }, { messageId: c.messageId }),
    },
    {
      name: "charge",
      retry: { limit: 2, delay: 200 },
      run: async (c) => {
        const { balance } = await c.router.to(Account).request(c.input.customer, "withdraw", { amount: c.input.amount }, { messageId: c.messageId });
        await c.router.to(Order).request(c.input.orderId, "send", { type: "pay", amount: c.input.amount }, { messageId: c.messageId });
        return { balance };
      },
      compensate: async (c) => {
        await c.router.to(Account).request(c.input.customer, "deposit", { amount: c.input.amount }, { messageId: c.messageId });
        await c.router.to(Order).request(c.input.orderId, "send", { type: "cancel", reason: "saga compensated" }, { messageId: c.messageId });
      },
    },
    {
      name: "ship",
      retry: { limit: 2, delay: 200 },
      run: (c) => c.router.to(Order).request(c.input.orderId, "send", { type: "ship" }, { messageId: c.messageId }),
    },
  ],
});

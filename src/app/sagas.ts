import { NonRetryableError } from "cloudflare:workflows";
import { z } from "zod";
import { createSagaRegistry, defineSaga, type StepContext } from "../workflows/define-saga.ts";
import { Account } from "./account.ts";
import { Inventory } from "./inventory.ts";
import { Order } from "./order.ts";
import { TransferInput } from "./transfer-input.ts";

const Key = z.string().min(1).max(200).regex(/^[A-Za-z0-9._:@~+=-]+$/).describe("Entity key");

/**
 * `transfer`: withdraw from `from`, deposit to `to`; the withdrawal's compensation deposits the
 * amount back to `from`. An overdraft is 409 `insufficient_funds`: refused at once, nothing to undo.
 * `failDeposit` (tests) makes the deposit fail for good, so the withdrawal is compensated.
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
      run: (c) => {
        if (c.input.failDeposit) throw new NonRetryableError(`deposit to ${c.input.to} refused (injected)`);
        return c.router.to(Account).request(c.input.to, "deposit", { amount: c.input.amount }, { messageId: c.messageId });
      },
    },
  ],
});

const StepName = z.enum(["reserve", "charge", "ship"]);
const OrderInput = z.object({
  orderId: Key,
  sku: Key,
  qty: z.number().int().positive().max(1_000),
  customer: Key.describe("Account charged"),
  amount: z.number().int().positive().max(1_000_000_000),
  fail: z.object({ step: StepName, mode: z.enum(["fatal", "transient"]), times: z.number().int().min(1).max(10).default(1) }).optional().describe("Injected failure of a step (tests)"),
  failCompensation: z
    .object({ step: StepName, mode: z.enum(["permanent", "after-effect"]), times: z.number().int().min(1).max(10).default(1), holdMs: z.number().int().min(0).max(10_000).default(0) })
    .optional()
    .describe("Injected failure of a compensation (tests): `after-effect` fails after applying it, like a crash, first holding `holdMs` (so a test can evict the entities meanwhile)"),
});
type OrderInput = z.output<typeof OrderInput>;

function injected(c: StepContext<OrderInput>): void {
  const fail = c.input.fail;
  if (fail?.step !== c.step) return;
  if (fail.mode === "fatal") throw new NonRetryableError(`${c.step} failed (injected)`);
  if (c.attempt <= fail.times) throw new Error(`${c.step} attempt ${c.attempt} failed (injected)`);
}

async function undo(c: StepContext<OrderInput>, effect: () => Promise<unknown>): Promise<void> {
  const fail = c.input.failCompensation;
  if (fail?.step === c.step && fail.mode === "permanent") throw new Error(`compensation of ${c.step} failed (injected)`);
  await effect();
  if (fail?.step !== c.step || c.attempt > fail.times) return;
  if (fail.holdMs > 0) await new Promise((resolve) => setTimeout(resolve, fail.holdMs));
  throw new Error(`compensation of ${c.step} crashed after its effect (injected, attempt ${c.attempt})`);
}

/** `order`: reserve stock, charge the customer (and mark the `Order` paid), ship it; injectable failures for tests. */
export const OrderSaga = defineSaga({
  name: "order",
  input: OrderInput,
  steps: [
    {
      name: "reserve",
      retry: { limit: 2, delay: 200 },
      run: (c) => (injected(c), c.router.to(Inventory).request(c.input.sku, "reserve", { qty: c.input.qty }, { messageId: c.messageId })),
      compensate: (c) => undo(c, () => c.router.to(Inventory).request(c.input.sku, "release", { qty: c.input.qty }, { messageId: c.messageId })),
    },
    {
      name: "charge",
      retry: { limit: 2, delay: 200 },
      run: async (c) => {
        injected(c);
        const { balance } = await c.router.to(Account).request(c.input.customer, "withdraw", { amount: c.input.amount }, { messageId: c.messageId });
        await c.router.to(Order).request(c.input.orderId, "send", { type: "pay", amount: c.input.amount }, { messageId: c.messageId });
        return { balance };
      },
      compensate: (c) =>
        undo(c, async () => {
          await c.router.to(Account).request(c.input.customer, "deposit", { amount: c.input.amount }, { messageId: c.messageId });
          await c.router.to(Order).request(c.input.orderId, "send", { type: "cancel", reason: "saga compensated" }, { messageId: c.messageId });
        }),
    },
    {
      name: "ship",
      retry: { limit: 2, delay: 200 },
      run: (c) => (injected(c), c.router.to(Order).request(c.input.orderId, "send", { type: "ship" }, { messageId: c.messageId })),
    },
  ],
});

/** The demo application's sagas. */
export const sagas = createSagaRegistry([Transfer, OrderSaga]);

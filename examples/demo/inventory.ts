import { z } from "zod";
import { AppError, defineEntity } from "../../src/index.ts";
import { errors } from "./errors.ts";
import { InventoryState } from "./inventory-state.ts";

const Qty = z.object({ qty: z.number().int().positive().max(1_000_000).describe("Units") });
const Stock = z.object({ stock: z.number().int().nonnegative(), reserved: z.number().int().nonnegative(), reservations: z.number().int().nonnegative(), releases: z.number().int().nonnegative() });
const view = ({ stock, reserved, reservations, releases }: z.output<typeof Stock>) => ({ stock, reserved, reservations, releases });

/**
 * Demo stock of one SKU, for the `order` saga: `reserve` takes units (409 `out_of_stock` when
 * short), `release` gives them back.
 * `reservations` and `releases` count the effects applied, so tests can see each happened once.
 * Its stored state is versioned ({@link InventoryState}): rows written by v1 load with the counters at 0.
 */
export const Inventory = defineEntity({
  type: "Inventory",
  shards: 16,
  state: InventoryState.schema,
  initial: () => InventoryState.encode({ stock: 1_000, reserved: 0, reservations: 0, releases: 0 }),
  messages: {
    reserve: { input: Qty, output: Stock },
    release: { input: Qty, output: Stock },
    get: { input: z.object({}), output: Stock },
  },
  handlers: {
    reserve(ctx, { qty }) {
      if (ctx.state.stock < qty) throw new AppError(errors.out_of_stock, `only ${ctx.state.stock} units in stock`);
      ctx.setState({ ...ctx.state, stock: ctx.state.stock - qty, reserved: ctx.state.reserved + qty, reservations: ctx.state.reservations + 1 });
      return view(ctx.state);
    },
    release(ctx, { qty }) {
      ctx.setState({ ...ctx.state, stock: ctx.state.stock + qty, reserved: Math.max(0, ctx.state.reserved - qty), releases: ctx.state.releases + 1 });
      return view(ctx.state);
    },
    get: (ctx) => view(ctx.state),
  },
});

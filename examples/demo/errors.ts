import { defineErrors } from "../../src/index.ts";

/** The demo's own problem codes: each answers 409 with this code, and an RPC caller gets -32010 with it. */
export const errors = defineErrors({
  insufficient_funds: { status: 409, title: "Insufficient funds" },
  out_of_stock: { status: 409, title: "Out of stock" },
});

import { z } from "zod";
import { versioned } from "../../src/index.ts";

const Key = z.string().min(1).max(200).regex(/^[A-Za-z0-9._:@~+=-]+$/).describe("Account key");
const Amount = z.number().int().positive().max(1_000_000_000_000).describe("Amount in minor units");

/** v1 of the transfer input, as the first release wrote it (no `v`). */
export const TransferInputV1 = z.object({ from: Key, to: Key, amount: Amount });

/** v2 adds a required `currency` (v1 inputs were all EUR) and an optional `memo`. */
export const TransferInputV2 = TransferInputV1.extend({ currency: z.enum(["EUR", "USD"]).describe("Currency"), memo: z.string().max(200).optional().describe("Shown on statements") });

/** The `transfer` saga's input: v1 and v2 accepted, v2 written. */
export const TransferInput = versioned({ versions: [TransferInputV1, TransferInputV2], upgrade: [(v1) => ({ ...v1, currency: "EUR" as const })] });

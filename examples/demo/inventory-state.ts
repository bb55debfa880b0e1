import { z } from "zod";
import { versioned } from "../../src/index.ts";

const Units = z.number().int().nonnegative();

/** v1 of the stored `Inventory` state (the first release: stock and reserved units only). */
export const InventoryStateV1 = z.object({ stock: Units, reserved: Units });

/** v2 counts the effects applied (reservations and releases); v1 rows read as 0 of each. */
export const InventoryStateV2 = InventoryStateV1.extend({ reservations: Units.default(0), releases: Units.default(0) });

/** The `Inventory` entity's state: v1 and v2 read, v2 written (no upgrade function: the new fields default). */
export const InventoryState = versioned({ versions: [InventoryStateV1, InventoryStateV2] });

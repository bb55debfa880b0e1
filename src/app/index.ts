import { createRegistry } from "../shards/registry";
import { Account } from "./account";
import { Counter } from "./counter";

export { Account } from "./account";
export { Counter } from "./counter";

/** The demo application: every entity type it declares, routed with clstr-go's default (empty) seed. */
export const app = {
  entities: createRegistry([Counter, Account], { seed: "" }),
};

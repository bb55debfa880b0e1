import { createRegistry } from "../shards/registry";
import { Account } from "./account";
import { Counter } from "./counter";
import { TickLog } from "./tick-log";
import { CounterStats, PingLog } from "./event-demo";
import { EventBus } from "../events/publisher";

/** Every entity type of the demo application, routed with clstr-go's default (empty) seed. */
export const entities = createRegistry([Counter, Account, TickLog, CounterStats, PingLog, EventBus], { seed: "" });

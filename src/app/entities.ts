import { createRegistry } from "../shards/registry";
import { Account } from "./account";
import { Counter } from "./counter";
import { TickLog } from "./tick-log";
import { CounterStats, PingLog } from "./event-demo";
import { EventBus } from "../events/publisher";
import { JobsShard } from "../jobs/jobs-entity";
import { SagaLog } from "../workflows/saga-log";
import { Inventory } from "./inventory";
import { Order } from "./order";

/** Every entity type of the demo application (and `Jobs`, the shard space of jobs; `SagaLog`, the saga records), routed with clstr-go's default (empty) seed. */
export const entities = createRegistry([Counter, Account, TickLog, CounterStats, PingLog, EventBus, JobsShard, SagaLog, Order, Inventory], { seed: "" });

import { createRegistry } from "../shards/registry.ts";
import { Account } from "./account.ts";
import { Counter } from "./counter.ts";
import { TickLog } from "./tick-log.ts";
import { CounterStats, PingLog } from "./event-demo.ts";
import { EventBus } from "../events/publisher.ts";
import { JobsShard } from "../jobs/jobs-entity.ts";
import { SagaLog } from "../workflows/saga-log.ts";
import { Inventory } from "./inventory.ts";
import { Order } from "./order.ts";

/** Every entity type of the demo application (and `Jobs`, the shard space of jobs; `SagaLog`, the saga records), routed with clstr-go's default (empty) seed. */
export const entities = createRegistry([Counter, Account, TickLog, CounterStats, PingLog, EventBus, JobsShard, SagaLog, Order, Inventory], { seed: "" });

import { createRegistry } from "../shards/registry";
import { Account } from "./account";
import { Counter } from "./counter";
import { TickLog } from "./tick-log";
import { CounterStats, PingLog } from "./event-demo";
import { EventBus } from "../events/publisher";
import { JobsShard } from "../jobs/jobs-entity";

/** Every entity type of the demo application (and `Jobs`, the shard space of jobs), routed with clstr-go's default (empty) seed. */
export const entities = createRegistry([Counter, Account, TickLog, CounterStats, PingLog, EventBus, JobsShard], { seed: "" });

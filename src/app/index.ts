import { entities } from "./entities";
import { schedules } from "./schedules";
import { rpc } from "./rpc";
import { createEventRegistry } from "../events/define";
import { CounterIncremented, DemoPing, MetadataChanged, subscriptions } from "./event-demo";

export { Account } from "./account";
export { Counter } from "./counter";
export { TickLog } from "./tick-log";

/** The demo application: its entity types, its scheduled tasks and services, its events and subscriptions, and its realtime methods. */
export const app = { entities, schedules, rpc, events: createEventRegistry([CounterIncremented, DemoPing, MetadataChanged], subscriptions) };

import type { ClusterApp } from "../../src/index.ts";
import { Account } from "./account.ts";
import { Counter } from "./counter.ts";
import { errors } from "./errors.ts";
import { counterSubscriptions, CounterIncremented, CounterStats } from "./event-demo.ts";
import { Greeted, GreetJob, greetingSubscriptions } from "./greeting.ts";
import { Inventory } from "./inventory.ts";
import { EchoJob, JobRequested, jobSubscriptions } from "./jobs.ts";
import { Order } from "./order.ts";
import { rpc } from "./rpc.ts";
import { OrderSaga, Transfer } from "./sagas.ts";
import { services, tasks } from "./schedules.ts";
import { TickLog } from "./tick-log.ts";

export { Account, Counter, CounterStats, Inventory, Order, TickLog };

/**
 * The demo application: entity types, scheduled tasks and services, events and subscriptions, job
 * types, sagas, realtime methods and its own problem codes; one of each capability.
 */
export const demo = {
  entities: [Counter, Account, TickLog, CounterStats, Order, Inventory],
  events: [CounterIncremented, JobRequested, Greeted],
  subscriptions: [...counterSubscriptions, ...jobSubscriptions, ...greetingSubscriptions],
  tasks,
  services,
  jobs: [EchoJob, GreetJob],
  sagas: [Transfer, OrderSaga],
  rpc,
  errors,
} satisfies ClusterApp;

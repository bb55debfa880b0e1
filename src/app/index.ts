import { entities } from "./entities.ts";
import { schedules } from "./schedules.ts";
import { rpc } from "./rpc.ts";
import { createEventRegistry } from "../events/define.ts";
import { CounterIncremented, DemoPing, MetadataChanged, subscriptions } from "./event-demo.ts";
import { jobs, jobSubscriptions, JobRequested } from "./jobs.ts";
import { WebhookEndpointDisabledEvent } from "../webhooks/events.ts";
import { webhookSubscriptions } from "../webhooks/subscription.ts";
import { tenantLifecycleEvents } from "../tenants/events.ts";
import { sagas } from "./sagas.ts";
import { Greeted, greetingSubscriptions } from "./greeting.ts";

export { Account } from "./account.ts";
export { Counter } from "./counter.ts";
export { Inventory } from "./inventory.ts";
export { Order } from "./order.ts";
export { TickLog } from "./tick-log.ts";

const declaredEvents = [CounterIncremented, DemoPing, MetadataChanged, WebhookEndpointDisabledEvent, JobRequested, Greeted, ...tenantLifecycleEvents];

/** The demo application: its entity types, its scheduled tasks and services, its events and subscriptions (every tenant event also feeds the tenant's webhooks), its job types, its realtime methods, and its sagas. */
export const app = { entities, schedules, rpc, jobs, sagas, events: createEventRegistry(declaredEvents, [...subscriptions, ...jobSubscriptions, ...greetingSubscriptions, ...webhookSubscriptions(declaredEvents)]) };

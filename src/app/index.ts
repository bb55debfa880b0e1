import { entities } from "./entities";
import { schedules } from "./schedules";
import { rpc } from "./rpc";
import { createEventRegistry } from "../events/define";
import { CounterIncremented, DemoPing, MetadataChanged, subscriptions } from "./event-demo";
import { jobs, jobSubscriptions, JobRequested } from "./jobs";
import { WebhookEndpointDisabledEvent } from "../webhooks/events";
import { webhookSubscriptions } from "../webhooks/subscription";
import { tenantLifecycleEvents } from "../tenants/events";
import { sagas } from "./sagas";
import { Greeted, greetingSubscriptions } from "./greeting";

export { Account } from "./account";
export { Counter } from "./counter";
export { Inventory } from "./inventory";
export { Order } from "./order";
export { TickLog } from "./tick-log";

const declaredEvents = [CounterIncremented, DemoPing, MetadataChanged, WebhookEndpointDisabledEvent, JobRequested, Greeted, ...tenantLifecycleEvents];

/** The demo application: its entity types, its scheduled tasks and services, its events and subscriptions (every tenant event also feeds the tenant's webhooks), its job types, its realtime methods, and its sagas. */
export const app = { entities, schedules, rpc, jobs, sagas, events: createEventRegistry(declaredEvents, [...subscriptions, ...jobSubscriptions, ...greetingSubscriptions, ...webhookSubscriptions(declaredEvents)]) };

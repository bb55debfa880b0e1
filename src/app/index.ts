import { entities } from "./entities";
import { schedules } from "./schedules";
import { rpc } from "./rpc";
import { createEventRegistry } from "../events/define";
import { CounterIncremented, DemoPing, MetadataChanged, subscriptions } from "./event-demo";
import { WebhookEndpointDisabledEvent } from "../webhooks/events";
import { webhookSubscriptions } from "../webhooks/subscription";

export { Account } from "./account";
export { Counter } from "./counter";
export { TickLog } from "./tick-log";

const declaredEvents = [CounterIncremented, DemoPing, MetadataChanged, WebhookEndpointDisabledEvent];

/** The demo application: its entity types, its scheduled tasks and services, its events and subscriptions (every tenant event also feeds the tenant's webhooks), and its realtime methods. */
export const app = { entities, schedules, rpc, events: createEventRegistry(declaredEvents, [...subscriptions, ...webhookSubscriptions(declaredEvents)]) };

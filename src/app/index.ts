import { entities } from "./entities";
import { schedules } from "./schedules";
import { rpc } from "./rpc";
import { createEventRegistry } from "../events/define";
import { CounterIncremented, DemoPing, MetadataChanged, subscriptions } from "./event-demo";
import { jobs, jobSubscriptions, JobRequested } from "./jobs";
import { WebhookEndpointDisabledEvent } from "../webhooks/events";
import { webhookSubscriptions } from "../webhooks/subscription";

export { Account } from "./account";
export { Counter } from "./counter";
export { TickLog } from "./tick-log";

const declaredEvents = [CounterIncremented, DemoPing, MetadataChanged, WebhookEndpointDisabledEvent, JobRequested];

/** The demo application: its entity types, its scheduled tasks and services, its events and subscriptions (every tenant event also feeds the tenant's webhooks), its job types, and its realtime methods. */
export const app = { entities, schedules, rpc, jobs, events: createEventRegistry(declaredEvents, [...subscriptions, ...jobSubscriptions, ...webhookSubscriptions(declaredEvents)]) };

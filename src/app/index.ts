import { entities } from "./entities";
import { schedules } from "./schedules";

export { Account } from "./account";
export { Counter } from "./counter";
export { TickLog } from "./tick-log";

/** The demo application: its entity types and its scheduled tasks and services. */
export const app = { entities, schedules };

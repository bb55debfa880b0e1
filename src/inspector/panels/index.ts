import type { InspectorPanel } from "../panel.ts";
import { entitiesPanel } from "./entities.ts";
import { eventsPanel } from "./events.ts";
import { jobsPanel } from "./jobs.ts";
import { overviewPanel } from "./overview.ts";
import { realtimePanel } from "./realtime.ts";
import { sagasPanel } from "./sagas.ts";
import { tasksPanel } from "./tasks.ts";
import { tenantsPanel } from "./tenants.ts";

/** The inspector's panels, in page order. */
export const PANELS: readonly InspectorPanel[] = [overviewPanel, entitiesPanel, tasksPanel, jobsPanel, eventsPanel, sagasPanel, realtimePanel, tenantsPanel];

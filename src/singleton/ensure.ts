import { unwrap } from "../shards/delivery.ts";
import type { ScheduleRegistry } from "./registry.ts";
import type { SingletonNamespace } from "./stub.ts";

/**
 * Activates every singleton that has tasks declared in code, so a fresh deploy arms their alarms
 * without waiting for a request to reach them. Called once per Worker isolate on its first request
 * and by the Worker's cron trigger (a safety net); activation is idempotent and cheap.
 */
export async function ensureSingletons(namespace: SingletonNamespace, schedules: ScheduleRegistry): Promise<void> {
  const results = await Promise.allSettled(schedules.singletons().map(async (name) => unwrap(await namespace.get(namespace.idFromName(name)).sync(name))));
  for (const result of results) if (result.status === "rejected") console.error("singleton activation failed", result.reason);
}

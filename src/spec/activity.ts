import { z } from "zod";

const count = z.number().int().nonnegative();

/** The cluster's recent activity: what the inspector's overview and chart show (`GET /v1/activity`). */
export const ActivitySnapshotSchema = z
  .object({
    at: z.number().int().describe("When this snapshot was taken (ms since the epoch)"),
    bucketMs: z.number().int().describe("Width of one point of the series (10,000 ms)"),
    series: z.array(z.object({ at: z.number().int(), messagesPerSecond: z.number(), errorsPerSecond: z.number() })).describe("The last 15 minutes, oldest first, one point per bucket"),
    lastMinute: z.object({
      messages: count.describe("Entity messages handled"),
      errors: count.describe("Of them, failed"),
      activeShards: count.describe("Shards that reported activity"),
      byType: z.array(z.object({ type: z.string(), messages: count, activeShards: count })).describe("Per entity, job or saga-log shard type"),
      errorsByCode: z.array(z.object({ code: z.string(), count })).describe("Failures by error code, most first"),
      events: z.array(z.object({ type: z.string(), count })).describe("Events emitted, by event type, most first"),
    }),
    outbox: z.object({ owed: count.describe("Events written but not yet acknowledged by the consumer"), shards: count.describe("Shards owing any") }),
  })
  .describe("Counts reported by shards at most once a second each; best-effort (an evicted shard's last second may be lost)");
export type ActivitySnapshot = z.infer<typeof ActivitySnapshotSchema>;

import { z } from "zod";
import { AppError, validationError } from "./errors.ts";

/**
 * Runtime configuration read from the Worker's environment (wrangler `[vars]` and secrets).
 * Validated eagerly on the first request; an invalid value names the variable.
 */
const intVar = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).optional().default(fallback);

export const RuntimeConfigSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "production"]).optional().default("production").describe("production refuses to serve without its secrets"),
    ADMIN_TOKEN: z.string().optional().describe("Admin bearer token (secret); at least 32 characters in production"),
    HEALTH_PROBE_TIMEOUT_MS: intVar(2000, 10, 60_000).describe("Timeout of each health probe, ms (default 2000)"),
    HEALTH_WARN_MS: intVar(1000, 1, 60_000).describe("A probe slower than this reports warn, ms (default 1000)"),
    MAX_BODY_BYTES: intVar(1_048_576, 1, 104_857_600).describe("Request body limit, bytes (default 1 MiB)"),
    ALLOW_PRIVATE_URLS: z.enum(["true", "false"]).optional().default("false").transform((v) => v === "true").describe("Development only: let task http actions call http:// and private hosts (default false)"),
    WEBHOOKS_ALLOW_PRIVATE: z.enum(["true", "false"]).optional().default("false").transform((v) => v === "true").describe("Development only: let webhook endpoints use http:// and private hosts such as 127.0.0.1 (default false)"),
    TENANT_ISOLATION: z.enum(["channel-prefix", "none"]).optional().default("channel-prefix").describe("ClusterTenantIsolation: channel-prefix (default) prefixes tenant event keys with the tenant id"),
    EVENT_RETRY_BASE_SECONDS: intVar(1, 0, 60).describe("First retry delay of a failed event delivery, doubling per attempt up to 5 min (default 1; 0 retries at once)"),
    EVENT_ACK_TIMEOUT_MS: intVar(60_000, 10, 3_600_000).describe("An outbox row sent but not acknowledged by the consumer is sent again after this, doubling up to 10 min (default 60000)"),
    EVENT_GAP_TIMEOUT_MS: intVar(60_000, 10, 3_600_000).describe("An ordered stream waiting this long on a missing sequence asks its producer for it again, every this long (default 60000)"),
    EVENT_GAP_REFETCHES: intVar(10, 1, 1_000).describe("Re-fetches of a missing sequence before it becomes a dead letter (reason gap) and the stream moves past it (default 10)"),
    AUTH_SECRET: z.string().optional().describe("HS256 secret of user tokens (secret); at least 32 characters in production"),
    ALLOWED_ORIGINS: z.string().optional().transform((v) => (v ? v.split(",").map((o) => o.trim()).filter(Boolean) : [])).describe("Comma-separated Origins allowed to open /ws/:user; unset: every origin"),
    GATEWAY_SHARDS: intVar(16, 1, 1024).describe("Socket gateway shards G (default 16); changing it moves users between gateways"),
    SSE_HEARTBEAT_MS: intVar(15_000, 10, 300_000).describe("Interval of the SSE `:` heartbeat comment, ms (default 15000)"),
    SSE_BUFFER_BYTES: intVar(262_144, 1024, 67_108_864).describe("Unread bytes per SSE client before it is closed with overflow (default 256 KiB)"),
    REALTIME_LOG_MESSAGES: intVar(1000, 1, 100_000).describe("Messages each gateway keeps per user and per topic for resume (default 1000)"),
    REALTIME_LOG_MS: intVar(600_000, 1000, 86_400_000).describe("Age limit of the resume log, ms (default 600000: 10 minutes)"),
    ENTITY_MAILBOX_CAPACITY: intVar(4096, 1, 1_000_000).describe("Pending messages per shard before 429 mailbox_full (default 4096)"),
    ACTIVITY_FLUSH_MS: intVar(1000, 0, 3_600_000).describe("The shards of an isolate report their activity counts to the inspector at most this often (default 1000; 0: never)"),
    JOB_QUEUE_CAPACITY: intVar(4096, 1, 1_000_000).describe("Unfinished jobs per job shard before 429 job_queue_full (default 4096)"),
    ROLLOUT_STALL_MS: intVar(600_000, 100, 86_400_000).describe("A running rollout with no tenant claimed or recorded for this long gets a new run of its Workflow, the old one terminated (default 600000)"),
  })
  .describe("Runtime configuration from the environment");
export type RuntimeConfig = z.infer<typeof RuntimeConfigSchema>;

/** Admin tokens shorter than this are refused in production. */
export const MIN_PRODUCTION_TOKEN_LENGTH = 32;

const cache = new WeakMap<object, RuntimeConfig>();

/**
 * Parses the runtime configuration from the Worker's environment once per environment object.
 * An invalid variable throws a 503 `misconfigured` naming the variable: the service refuses to
 * guess rather than run with a default the operator did not choose.
 */
export function runtimeConfig(env: object): RuntimeConfig {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = RuntimeConfigSchema.safeParse(env);
  if (!parsed.success) {
    const invalid = validationError(parsed.error, "configuration");
    throw new AppError("misconfigured", invalid.message, { extra: invalid.extra });
  }
  cache.set(env, parsed.data);
  return parsed.data;
}

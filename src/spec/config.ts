import { z } from "zod";

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
  })
  .describe("Runtime configuration from the environment");
export type RuntimeConfig = z.infer<typeof RuntimeConfigSchema>;

/** Admin tokens shorter than this are refused in production. */
export const MIN_PRODUCTION_TOKEN_LENGTH = 32;

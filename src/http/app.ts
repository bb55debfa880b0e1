import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { runtimeConfig } from "../spec/index.ts";
import { renderDocsPage, type OpenApiDocument } from "./docs-page.ts";
import type { AppEnv } from "./env.ts";
import { AppError, problemResponse, validationError } from "./errors.ts";
import { adminAuth, PUBLIC_PATHS } from "./middleware/auth.ts";
import { clusterContext } from "./middleware/cluster-context.ts";
import { registerClusterRoutes } from "./routes/cluster.ts";
import { registerEntityRoutes } from "./routes/entities.ts";
import { registerSingletonRoutes } from "./routes/singletons.ts";
import { registerEventRoutes } from "./routes/events.ts";
import { registerJobRoutes } from "./routes/jobs.ts";
import { registerHealthRoutes, SERVICE } from "./routes/health.ts";
import { registerRealtimeRoutes } from "./routes/realtime.ts";
import { registerSagaRoutes } from "./routes/sagas.ts";
import { registerSocketRoute } from "./routes/socket.ts";
import { registerSseRoutes } from "./routes/sse.ts";
import { registerWebhookRoutes } from "./routes/webhooks.ts";
import { registerTenantRoutes } from "./routes/tenants.ts";
import { registerDeploymentRoutes } from "./routes/deployments.ts";
import { registerRecordRoutes } from "./routes/records.ts";

const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "durable-cluster",
    version: SERVICE.version,
    description: "Cluster-native server infrastructure on Cloudflare Workers and Durable Objects. Every route but the probes, the docs and `/ws/{user}` needs `Authorization: Bearer <ADMIN_TOKEN>`; `/ws/{user}` takes a user token (JWT, HS256).",
  },
};

/**
 * Builds the HTTP application: request id → cluster context → authentication → body limit →
 * routes, with one `onError` that answers RFC 9457 problem+json for every failure.
 */
export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target === "json" ? "body" : result.target);
    },
  });

  app.use(requestId());
  app.use(clusterContext());
  app.use(adminAuth());
  app.use((c, next) => {
    if (PUBLIC_PATHS.has(c.req.path)) return next(); // the probes read no configuration: /livez answers whenever the Worker runs
    const maxSize = runtimeConfig(c.env).MAX_BODY_BYTES;
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new AppError("payload_too_large", `request body exceeds ${maxSize} bytes`);
      },
    })(c, next);
  });

  registerHealthRoutes(app);
  registerClusterRoutes(app);
  registerEntityRoutes(app);
  registerSingletonRoutes(app);
  registerEventRoutes(app);
  registerJobRoutes(app);
  registerRealtimeRoutes(app);
  registerSagaRoutes(app);
  registerSocketRoute(app);
  registerSseRoutes(app);
  registerWebhookRoutes(app);
  registerTenantRoutes(app);
  registerDeploymentRoutes(app);
  registerRecordRoutes(app);

  app.openAPIRegistry.registerComponent("securitySchemes", "adminBearer", { type: "http", scheme: "bearer", description: "ADMIN_TOKEN" });
  app.openAPIRegistry.registerComponent("securitySchemes", "tenantKey", { type: "http", scheme: "bearer", description: "A tenant API key dck_<tenantId>_<secret>: its own tenant's routes only" });
  app.doc31("/openapi.json", OPENAPI_INFO);
  app.get("/docs", (c) => c.html(renderDocsPage(app.getOpenAPI31Document(OPENAPI_INFO) as OpenApiDocument)));

  app.notFound((c) => problemResponse(c, new AppError("not_found", `no route for ${c.req.method} ${c.req.path}`)));
  app.onError((err, c) => problemResponse(c, err));
  return app;
}

import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { TrieRouter } from "hono/router/trie-router";
import { requestId } from "hono/request-id";
import type { ResolvedApp } from "../cluster/app.ts";
import { assertBindings } from "../health/bindings.ts";
import { runtimeConfig } from "../spec/index.ts";
import { compactDocument } from "./openapi-compact.ts";
import { renderDocsPage, type OpenApiDocument } from "./docs-page.ts";
import { registerInspectorRoutes } from "./routes/inspector.ts";
import type { AppEnv } from "./env.ts";
import { AppError, problemResponse, validationError } from "./errors.ts";
import { adminAuth, PUBLIC_PATHS } from "./middleware/auth.ts";
import { keyRefusalOr } from "./middleware/tenant-key.ts";
import { clusterContext } from "./middleware/cluster-context.ts";
import { jsonDepthGuard } from "./middleware/json-depth.ts";
import { registerClusterRoutes } from "./routes/cluster.ts";
import { registerEntityRoutes } from "./routes/entities.ts";
import { registerEntityStateRoute } from "./routes/entity-state.ts";
import { registerSingletonRoutes } from "./routes/singletons.ts";
import { registerEventRoutes } from "./routes/events.ts";
import { registerStreamRoutes } from "./routes/streams.ts";
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
import { registerRolloutRoutes } from "./routes/rollouts.ts";
import { registerActivityRoutes } from "./routes/activity.ts";

const DESCRIPTION = "Cluster-native server infrastructure on Cloudflare Workers and Durable Objects. Every route but the probes, the docs, the inspector's page shell and `/ws/{user}` needs `Authorization: Bearer <ADMIN_TOKEN>`; `/ws/{user}` takes a user token (JWT, HS256).";

/** The API document's info: the service name, and the application's own problem codes. */
function openApiInfo(cluster: ResolvedApp) {
  const codes = cluster.errors.map((e) => `\`${e.code}\` (${e.status}, ${e.title})`).join(", ");
  return { openapi: "3.1.0", info: { title: cluster.name, version: SERVICE.version, description: codes ? `${DESCRIPTION} Application problem codes: ${codes}.` : DESCRIPTION } };
}

/**
 * Whether a route of the app matches a request (middleware aside): `route` hands back what no
 * cluster route answers, so an application's own paths, under `/v1/` too, stay its own.
 */
export function routeMatcher(app: OpenAPIHono<AppEnv>): (method: string, path: string) => boolean {
  const router = new TrieRouter<true>();
  for (const r of app.routes) if (!(r.method === "ALL" && r.path === "/*")) router.add(r.method, r.path, true);
  return (method, path) => router.match(method === "HEAD" ? "GET" : method, path)[0].length > 0;
}

/**
 * Builds the HTTP application of a cluster: request id → cluster context → bindings check →
 * authentication → body limit → JSON depth → routes, with one `onError` that answers RFC 9457 problem+json for every failure.
 */
export function createApp(cluster: ResolvedApp): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target === "json" ? "body" : result.target);
    },
  });

  app.use(requestId());
  app.use(clusterContext());
  app.use((c, next) => {
    if (!PUBLIC_PATHS.has(c.req.path)) assertBindings(c.env); // the probes report bindings themselves
    return next();
  });
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

  app.use(jsonDepthGuard());

  registerHealthRoutes(app);
  registerClusterRoutes(app, cluster);
  registerEntityRoutes(app, cluster);
  registerEntityStateRoute(app, cluster);
  registerSingletonRoutes(app, cluster);
  registerEventRoutes(app, cluster);
  registerStreamRoutes(app);
  registerJobRoutes(app, cluster);
  registerRealtimeRoutes(app);
  registerSagaRoutes(app, cluster);
  registerSocketRoute(app);
  registerSseRoutes(app, cluster);
  registerWebhookRoutes(app);
  registerTenantRoutes(app, cluster);
  registerDeploymentRoutes(app);
  registerRecordRoutes(app);
  registerRolloutRoutes(app);
  registerActivityRoutes(app);

  app.openAPIRegistry.registerComponent("securitySchemes", "adminBearer", { type: "http", scheme: "bearer", description: "ADMIN_TOKEN" });
  app.openAPIRegistry.registerComponent("securitySchemes", "tenantKey", { type: "http", scheme: "bearer", description: "A tenant API key dck_<tenantId>_<secret>: its own tenant's routes only" });
  const info = openApiInfo(cluster);
  let document: OpenApiDocument | undefined; // built once per isolate, on first request
  const described = () => (document ??= compactDocument(app.getOpenAPI31Document(info) as OpenApiDocument));
  app.get("/openapi.json", (c) => c.json(described()));
  app.get("/docs", (c) => c.html(renderDocsPage(described())));
  registerInspectorRoutes(app);

  app.notFound((c) => problemResponse(c, new AppError("not_found", `no route for ${c.req.method} ${c.req.path}`)));
  app.onError(async (err, c) => problemResponse(c, await keyRefusalOr(c, err)));
  return app;
}

import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { unwrap } from "../../shards/delivery.ts";
import { AppError, AppInstallBundleSchema, AppOperationResultSchema, DeployAcceptedSchema, DeployBundleSchema, DeploymentListQuerySchema, DeploymentPageSchema, DeploymentSchema, InstalledAppSchema, validationError } from "../../spec/index.ts";
import type { AppEnv } from "../env.ts";
import { body, errors, json, param, readBody, TenantParam, tenantOf, tenantRoute } from "./tenant-kit.ts";

const P = "/v1/tenants/{tenant}";
const DryRun = z.object({ dryRun: z.enum(["true", "false"]).optional().describe("true: validate, diff and plan only; nothing is applied or recorded") });
const DeploymentParam = TenantParam.extend({ deploymentId: z.string().describe("Deployment id") });
const AppParam = TenantParam.extend({ app: z.string().describe("App name") });
const Confirm = z.object({ confirm: z.enum(["true"]).optional().describe("Must be true: uninstalling drops the app's objects and records") });

const routes = {
  deploy: createRoute({ ...tenantRoute("deployments"), method: "post", path: `${P}/deployments`, summary: "Deploy a bundle: validate → diff → plan → migrate (one transaction) → register", request: { params: TenantParam, query: DryRun, ...body(DeployBundleSchema) }, responses: { 202: json("Run; GET it for status, diff, plan, timings and error", DeployAcceptedSchema), 200: json("Dry run: validation, diff and plan", DeploymentSchema), ...errors } }),
  list: createRoute({ ...tenantRoute("deployments"), method: "get", path: `${P}/deployments`, summary: "The tenant's deployments, newest first (GET one for its diff and plan)", request: { params: TenantParam, query: DeploymentListQuerySchema }, responses: { 200: json("A page", DeploymentPageSchema), ...errors } }),
  get: createRoute({ ...tenantRoute("deployments"), method: "get", path: `${P}/deployments/{deploymentId}`, summary: "A deployment", request: { params: DeploymentParam }, responses: { 200: json("The deployment", DeploymentSchema), ...errors } }),
  install: createRoute({ ...tenantRoute("apps"), method: "post", path: `${P}/apps`, summary: "Install an app (or upgrade it with a new version) through the deploy pipeline", request: { params: TenantParam, ...body(AppInstallBundleSchema) }, responses: { 200: json("Installed or upgraded (deployment ready), or failed (see deployment.error)", AppOperationResultSchema), ...errors } }),
  apps: createRoute({ ...tenantRoute("apps"), method: "get", path: `${P}/apps`, summary: "Installed apps with versions", request: { params: TenantParam }, responses: { 200: json("Apps", z.object({ items: z.array(InstalledAppSchema) })), ...errors } }),
  uninstall: createRoute({ ...tenantRoute("apps"), method: "delete", path: `${P}/apps/{app}`, summary: "Uninstall an app: destructive, needs ?confirm=true", request: { params: AppParam, query: Confirm }, responses: { 200: json("Uninstalled", AppOperationResultSchema), ...errors } }),
};

/** The deploy pipeline and app install over HTTP. */
export function registerDeploymentRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(routes.deploy, async (c) => {
    const t = await tenantOf(c);
    const { data, raw } = await readBody(c, DeployBundleSchema);
    const dryRun = c.req.query("dryRun") === "true";
    const deployment = unwrap(await t.stub.deploy(t.id, data, dryRun, (raw as { manifest?: unknown }).manifest));
    if (dryRun) return c.json(deployment, 200);
    return c.json({ deploymentId: deployment.id, status: deployment.status }, 202);
  });
  app.openapi(routes.list, async (c) => {
    const query = DeploymentListQuerySchema.safeParse(c.req.query());
    if (!query.success) throw validationError(query.error, "query");
    const t = await tenantOf(c);
    return c.json(unwrap(await t.stub.listDeployments(t.id, query.data.cursor, query.data.limit)), 200);
  });
  app.openapi(routes.get, async (c) => {
    const t = await tenantOf(c);
    return c.json(unwrap(await t.stub.getDeployment(t.id, param(c, "deploymentId"))), 200);
  });
  app.openapi(routes.install, async (c) => {
    const t = await tenantOf(c);
    const { data } = await readBody(c, AppInstallBundleSchema);
    return c.json(unwrap(await t.stub.installApp(t.id, data)), 200);
  });
  app.openapi(routes.apps, async (c) => {
    const t = await tenantOf(c);
    return c.json({ items: unwrap(await t.stub.listApps(t.id)) }, 200);
  });
  app.openapi(routes.uninstall, async (c) => {
    const t = await tenantOf(c);
    if (c.req.query("confirm") !== "true") throw new AppError("validation_failed", "uninstalling drops the app's objects and records: repeat with ?confirm=true", { extra: { errors: [{ path: "query.confirm", message: "must be true" }] } });
    return c.json(unwrap(await t.stub.uninstallApp(t.id, param(c, "app"))), 200);
  });
}

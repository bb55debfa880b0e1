import { AppError, type AppInstallBundle, type AppOperationResult, type InstalledApp, type ObjectMetadata, type Tenant } from "../spec/index.ts";
import { runDeploy, type DeployOutcome, type PipelineDeps } from "./pipeline.ts";

interface AppRow extends Record<string, SqlStorageValue> { name: string; version: string; label: string | null; objects: string; installed_at: number; updated_at: number }

const toApp = (r: AppRow): InstalledApp => ({ name: r.name, version: r.version, label: r.label, objects: JSON.parse(r.objects) as string[], installedAt: new Date(r.installed_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString() });

/** Installed apps (`tenant_apps`). */
export class AppStore {
  constructor(private readonly sql: SqlStorage) {}

  find(name: string): InstalledApp | undefined {
    const row = this.sql.exec<AppRow>("SELECT * FROM tenant_apps WHERE name = ?", name).toArray()[0];
    return row ? toApp(row) : undefined;
  }

  list(): InstalledApp[] {
    return this.sql.exec<AppRow>("SELECT * FROM tenant_apps ORDER BY name").toArray().map(toApp);
  }

  put(bundle: AppInstallBundle, objects: string[], now: number): InstalledApp {
    this.sql.exec("INSERT INTO tenant_apps (name, version, label, objects, installed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version, label = excluded.label, objects = excluded.objects, updated_at = excluded.updated_at", bundle.name, bundle.version, bundle.label ?? null, JSON.stringify(objects), now, now);
    const app = this.find(bundle.name);
    if (!app) throw new Error("app row vanished");
    return app;
  }

  remove(name: string): void {
    this.sql.exec("DELETE FROM tenant_apps WHERE name = ?", name);
  }
}

export type AppOutcome = { result: AppOperationResult; events: DeployOutcome["events"] };

/**
 * Installs (or upgrades, when installed) an app: its objects, namespaced `<app>__<object>` (and
 * references between them rewritten likewise), go through the deploy pipeline as metadata owned
 * by `app:<name>`. References to objects outside the app keep their names.
 */
export function installApp(deps: PipelineDeps, apps: AppStore, tenant: Tenant, bundle: AppInstallBundle): AppOutcome {
  const objects = appObjects(bundle);
  const installed = apps.find(bundle.name);
  const manifest = { version: bundle.version, objects, views: [], flows: [], permissions: [] };
  const outcome = runDeploy(deps, tenant, { manifest, allowDestructive: bundle.allowDestructive }, { owner: bundle.name, dryRun: false, raw: manifest });
  const operation = installed ? "upgrade" : "install";
  if (outcome.deployment.status !== "ready") return { result: { operation, app: installed ?? null, deployment: outcome.deployment }, events: [] };
  const app = apps.put(bundle, objects.map((o) => o.name), deps.now());
  return { result: { operation, app, deployment: outcome.deployment }, events: outcome.events };
}

/** An app's objects as deployed: named `<app>__<object>`, references between them rewritten likewise. */
export function appObjects(bundle: Pick<AppInstallBundle, "name" | "objects">): ObjectMetadata[] {
  const own = new Set(bundle.objects.map((o) => o.name));
  const ns = (name: string) => `${bundle.name}__${name}`;
  return bundle.objects.map((o) => ({ ...o, name: ns(o.name), fields: o.fields.map((f) => (f.reference && own.has(f.reference) ? { ...f, reference: ns(f.reference) } : f)) }));
}

/** Uninstalls an app: drops its objects and their records (the route asks for confirmation first). */
export function uninstallApp(deps: PipelineDeps, apps: AppStore, tenant: Tenant, name: string): AppOutcome {
  const installed = apps.find(name);
  if (!installed) throw new AppError("not_found", `no app '${name}'`);
  const manifest = { version: `${installed.version}-uninstall`, objects: [], views: [], flows: [], permissions: [] };
  const outcome = runDeploy(deps, tenant, { manifest, allowDestructive: true }, { owner: name, dryRun: false, raw: manifest });
  if (outcome.deployment.status === "ready") apps.remove(name);
  return { result: { operation: "uninstall", app: null, deployment: outcome.deployment }, events: outcome.events };
}

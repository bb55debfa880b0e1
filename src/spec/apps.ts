import { z } from "zod";
import { DeploymentSchema } from "./deploy.ts";
import { MachineNameSchema, ObjectMetadataSchema } from "./metadata.ts";

/** App install (seed 002 E1/E2): an app's objects, namespaced `<app>__<object>`, installed through the deploy pipeline. */

/** Body of `POST /v1/tenants/{tenant}/apps`: install, or upgrade when the app is installed. */
export const AppInstallBundleSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9]{0,30}$/, "lower-case letters and digits, a letter first, at most 31").describe("App name; its objects are named <name>__<object>"),
    version: z.string().min(1).max(64).describe("App version"),
    label: z.string().min(1).max(200).optional().describe("Human label"),
    objects: z.array(ObjectMetadataSchema).min(1).max(200).describe("The app's objects (names without the namespace)"),
    allowDestructive: z.boolean().default(false).describe("An upgrade may drop or narrow (default false)"),
  })
  .strict()
  .describe("App install bundle");
export type AppInstallBundle = z.infer<typeof AppInstallBundleSchema>;
export type AppInstallBundleInput = z.input<typeof AppInstallBundleSchema>;

export const AppLifecycleOperationSchema = z.enum(["install", "upgrade", "uninstall"]).describe("App lifecycle operation");
export type AppLifecycleOperation = z.infer<typeof AppLifecycleOperationSchema>;

/** An installed app. */
export const InstalledAppSchema = z
  .object({
    name: MachineNameSchema,
    version: z.string().describe("Installed version"),
    label: z.string().nullable().describe("Human label"),
    objects: z.array(MachineNameSchema).describe("Its namespaced objects"),
    installedAt: z.string().describe("ISO time"),
    updatedAt: z.string().describe("ISO time of the last upgrade"),
  })
  .describe("Installed app");
export type InstalledApp = z.infer<typeof InstalledAppSchema>;

export const AppOperationResultSchema = z.object({ operation: AppLifecycleOperationSchema, app: InstalledAppSchema.nullable().describe("Null after uninstall or when it failed"), deployment: DeploymentSchema }).describe("Result of an app operation");
export type AppOperationResult = z.infer<typeof AppOperationResultSchema>;

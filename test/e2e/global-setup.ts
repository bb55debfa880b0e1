import type { TestProject } from "vitest/node";
import { startWranglerDev } from "./harness/wrangler-dev.ts";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    adminToken: string;
  }
}

/** One real `wrangler dev` for the whole e2e run; always stopped, whole process group. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dev = await startWranglerDev();
  project.provide("baseUrl", dev.url);
  project.provide("adminToken", dev.adminToken);
  return () => dev.stop();
}

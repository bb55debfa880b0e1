import { DurableObject, WorkflowEntrypoint } from "cloudflare:workers";

/** Baseline: the same five classes and handlers as a durable-cluster app, written by hand and empty. */
export class ShardObject extends DurableObject {}
export class SingletonObject extends DurableObject {}
export class GatewayObject extends DurableObject {}
export class TenantObject extends DurableObject {}
export class SagaWorkflow extends WorkflowEntrypoint {
  override async run(): Promise<void> {}
}

export default {
  fetch: () => new Response("ok"),
  queue: () => undefined,
  scheduled: () => undefined,
} satisfies ExportedHandler;

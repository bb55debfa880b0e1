import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";

/**
 * The saga interpreter on Cloudflare Workflows. Until sagas are declared (the sagas issue) an
 * instance records that it ran and completes; nothing creates instances yet.
 */
export class SagaWorkflow extends WorkflowEntrypoint<Env, unknown> {
  override async run(event: WorkflowEvent<unknown>, step: WorkflowStep): Promise<{ instanceId: string }> {
    return step.do("start", () => Promise.resolve({ instanceId: event.instanceId }));
  }
}

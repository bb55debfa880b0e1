import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { SagaParamsSchema } from "../spec/index.ts";
import { runSaga, type SagaOutcome } from "../workflows/saga-runner.ts";
import type { ClusterEnv } from "../env.ts";
import type { ResolvedApp } from "../cluster/app.ts";

/**
 * The saga interpreter on Cloudflare Workflows: one instance per saga run, its params
 * `{ saga, input }`. The input is decoded with the saga's current schema on every (re)start, so an
 * input written by older code (a `versioned` schema's v1) runs under the new definition.
 */
export class SagaWorkflow extends WorkflowEntrypoint<ClusterEnv, unknown> {
  readonly #app: ResolvedApp;

  /** Constructed by the runtime through the class `createCluster` binds to the application. */
  constructor(ctx: ExecutionContext, env: ClusterEnv, app: ResolvedApp) {
    super(ctx, env);
    this.#app = app;
  }

  override async run(event: WorkflowEvent<unknown>, step: WorkflowStep): Promise<SagaOutcome> {
    const params = SagaParamsSchema.safeParse(event.payload);
    if (!params.success) throw new NonRetryableError(`invalid saga parameters: ${params.error.issues[0]?.message ?? "?"}`);
    const saga = this.#app.sagas.require(params.data.saga);
    const input = saga.input.safeParse(params.data.input);
    if (!input.success) throw new NonRetryableError(`invalid input for saga ${saga.name}: ${input.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    return runSaga({ instanceId: event.instanceId, saga, input: input.data, router: this.#app.router(this.env), env: this.env }, step);
  }
}

import type { Router } from "../shards/index.ts";
import { AppError, assertDepth, SagaInstanceIdSchema, validationError, type SagaRecord, type SagaStarted } from "../spec/index.ts";
import type { SagaRegistry } from "./define-saga.ts";
import { SagaLog } from "./saga-log.ts";
import type { Directory } from "../singleton/directory.ts";

/**
 * Starts and inspects sagas (what the routes call). Everything checkable up front is checked
 * before anything is stored: the saga's name, its input (400 with `input.` paths), the instance id.
 */
export class SagaClient {
  constructor(
    private readonly workflow: Workflow,
    private readonly router: Router,
    private readonly sagas: SagaRegistry,
    /** Where reads look first: an instance in a log shard that was never created is 404 without creating it. */
    private readonly directory: Directory,
  ) {}

  /**
   * Opens the instance's record, then creates its Workflow instance with the input encoded by the
   * current schema (latest version). A repeated id answers the first instance (`duplicate`), and
   * re-creates its Workflow instance if the first start stopped between the two writes.
   */
  async start(name: string, input: unknown, instanceId?: string): Promise<SagaStarted> {
    const saga = this.sagas.require(name);
    assertDepth(input, `the input of saga ${name}`);
    const parsed = saga.input.safeParse(input);
    if (!parsed.success) throw validationError(parsed.error, `input of saga ${name}`, ["input"]);
    const id = SagaInstanceIdSchema.safeParse(instanceId ?? `s${crypto.randomUUID().replaceAll("-", "")}`);
    if (!id.success) throw validationError(id.error, "Idempotency-Key", ["idempotency-key"]);
    const { record, created } = await this.router.to(SagaLog).request(id.data, "open", { saga: name, steps: saga.steps.map((s) => s.name) });
    if (record.saga !== name) throw new AppError("conflict", `instance '${id.data}' belongs to saga '${record.saga}'`);
    try {
      await this.workflow.create({ id: id.data, params: { saga: name, input: parsed.data } });
    } catch (err) {
      if (created || !(await this.#exists(id.data))) throw err;
    }
    return { instanceId: id.data, duplicate: !created };
  }

  /** The record, or 404 (also when the instance belongs to another saga). */
  async get(name: string, instanceId: string): Promise<SagaRecord> {
    const key = this.#key(instanceId);
    await this.directory.require("shard", this.router.locate(SagaLog.type, key).objectName, `no saga instance '${instanceId}'`);
    const { record } = await this.router.to(SagaLog).request(key, "get", {});
    if (record.saga !== name) throw new AppError("not_found", `no instance '${instanceId}' of saga '${name}'`);
    return record;
  }

  /**
   * Asks the instance to stop: the workflow sees it at its next step attempt, fails it as
   * `cancelled` and compensates the completed steps. 409 `invalid_transition` once the saga is final.
   */
  async cancel(name: string, instanceId: string): Promise<SagaRecord> {
    await this.get(name, instanceId);
    return (await this.router.to(SagaLog).request(this.#key(instanceId), "cancel", {})).record;
  }

  #key(instanceId: string): string {
    const id = SagaInstanceIdSchema.safeParse(instanceId);
    if (!id.success) throw new AppError("not_found", `no saga instance '${instanceId}'`);
    return id.data;
  }

  async #exists(id: string): Promise<boolean> {
    try {
      await this.workflow.get(id);
      return true;
    } catch {
      return false;
    }
  }
}

import { z } from "zod";
import { defineEntity } from "../shards/define-entity.ts";
import type { Router } from "../shards/index.ts";
import { AppError, SagaCauseSchema, SagaRecordSchema, SagaStatusSchema, type SagaCause, type SagaRecord, type SagaStatus } from "../spec/index.ts";
import { isFinal, newRecord, recordAttempt, recordDone, recordFailure, recordStatus, type SagaPhase } from "./saga-record.ts";
import { clock } from "../clock.ts";

const Phase = z.enum(["run", "compensate"]).describe("Run or compensation");
const Step = z.object({ step: z.string().describe("Step name"), phase: Phase });
const Record = z.object({ record: SagaRecordSchema });
const Empty = z.object({});

function require(record: SagaRecord | null, key: string): SagaRecord {
  if (!record) throw new AppError("not_found", `no saga instance '${key}'`);
  return record;
}

/**
 * The saga log: one entity per saga instance (keyed by the instance id) holding its record in
 * the shard's SQLite, so status, per-step attempts, timings and causes survive restarts and
 * evictions. The workflow writes it; `GET /v1/sagas/{name}/{id}` reads it.
 */
export const SagaLog = defineEntity({
  type: "SagaLog",
  shards: 32,
  state: z.object({ record: SagaRecordSchema.nullable() }),
  initial: () => ({ record: null }),
  messages: {
    open: { input: z.object({ saga: z.string(), steps: z.array(z.string()) }), output: z.object({ record: SagaRecordSchema, created: z.boolean() }) },
    attempt: { input: Step, output: z.object({ cancelRequested: z.boolean() }) },
    done: { input: Step, output: Empty },
    fail: { input: Step.extend({ cause: SagaCauseSchema, final: z.boolean() }), output: Empty },
    status: { input: z.object({ status: SagaStatusSchema, cause: SagaCauseSchema.optional(), compensationCause: SagaCauseSchema.optional(), output: z.unknown().optional() }), output: Empty },
    cancel: { input: Empty, output: Record },
    get: { input: Empty, output: Record },
  },
  handlers: {
    open(ctx, { saga, steps }) {
      if (ctx.state.record) return { record: ctx.state.record, created: false };
      ctx.state.record = newRecord(ctx.cluster.entityKey, saga, steps, clock.now());
      return { record: ctx.state.record, created: true };
    },
    attempt(ctx, { step, phase }) {
      const record = require(ctx.state.record, ctx.cluster.entityKey);
      ctx.state.record = recordAttempt(record, step, phase, clock.now());
      return { cancelRequested: record.cancelRequested };
    },
    done(ctx, { step, phase }) {
      ctx.state.record = recordDone(require(ctx.state.record, ctx.cluster.entityKey), step, phase, clock.now());
      return {};
    },
    fail(ctx, { step, phase, cause, final }) {
      ctx.state.record = recordFailure(require(ctx.state.record, ctx.cluster.entityKey), step, phase, cause, final, clock.now());
      return {};
    },
    status(ctx, { status, cause, compensationCause, output }) {
      ctx.state.record = recordStatus(require(ctx.state.record, ctx.cluster.entityKey), status, clock.now(), { ...(cause ? { cause } : {}), ...(compensationCause ? { compensationCause } : {}), output });
      return {};
    },
    cancel(ctx) {
      const record = require(ctx.state.record, ctx.cluster.entityKey);
      if (isFinal(record.status)) throw new AppError("invalid_transition", `saga instance '${record.instanceId}' is ${record.status}; it cannot be cancelled`, { extra: { state: record.status, event: "cancel" } });
      ctx.state.record = { ...record, cancelRequested: true, updatedAt: clock.now() };
      return { record: ctx.state.record };
    },
    get: (ctx) => ({ record: require(ctx.state.record, ctx.cluster.entityKey) }),
  },
});

/** The workflow's writer of the log; final updates carry message ids so a replayed workflow applies them once. */
export class SagaLogClient {
  constructor(
    private readonly router: Router,
    private readonly instanceId: string,
  ) {}

  #log() {
    return this.router.to(SagaLog);
  }

  async open(saga: string, steps: readonly string[]): Promise<SagaRecord> {
    return (await this.#log().request(this.instanceId, "open", { saga, steps: [...steps] })).record;
  }

  async attempt(step: string, phase: SagaPhase): Promise<boolean> {
    return (await this.#log().request(this.instanceId, "attempt", { step, phase })).cancelRequested;
  }

  async done(step: string, phase: SagaPhase): Promise<void> {
    await this.#log().request(this.instanceId, "done", { step, phase }, { messageId: `done:${phase}:${step}` });
  }

  async fail(step: string, phase: SagaPhase, cause: SagaCause, final: boolean): Promise<void> {
    await this.#log().request(this.instanceId, "fail", { step, phase, cause, final }, final ? { messageId: `failed:${phase}:${step}` } : {});
  }

  async status(status: SagaStatus, extra: { cause?: SagaCause; compensationCause?: SagaCause; output?: unknown } = {}): Promise<void> {
    await this.#log().request(this.instanceId, "status", { status, ...extra }, { messageId: `status:${status}` });
  }
}

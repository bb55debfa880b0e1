import { pageCursor, parsePageCursor } from "../storage/page-cursor.ts";
import { AppError, assertDepth, JobStatusSchema, MessageIdSchema, validationError, type EntityType, type JobDetail, type JobListQuery, type JobPage, type JobStats, type JobStatus, type JobView, type ShardId, type SubmitJob, type SubmittedJob } from "../spec/index.ts";
import { unwrap, type Delivery, type ShardTarget } from "../shards/delivery.ts";
import type { JobRegistry } from "./define.ts";
import { JOB_ENTITY_TYPE, JOB_SHARDS, jobShard, newJobId, shardOfJobId } from "./job-id.ts";
import type { NewJob } from "./job-store.ts";
import type { Directory } from "../singleton/directory.ts";
import { clock } from "../clock.ts";

/** The job RPCs of a shard object. */
export interface JobShardStub {
  submitJob(target: ShardTarget, job: NewJob): Promise<Delivery<SubmittedJob>>;
  jobView(target: ShardTarget, id: string): Promise<Delivery<JobDetail | null>>;
  cancelJob(target: ShardTarget, id: string): Promise<Delivery<JobView>>;
  retryJob(target: ShardTarget, id: string): Promise<Delivery<JobView>>;
  listJobs(target: ShardTarget, filter: Pick<JobListQuery, "status" | "type">, after: { createdAt: number; id: string } | null, limit: number): Promise<Delivery<JobView[]>>;
  jobCounts(target: ShardTarget): Promise<Delivery<Partial<Record<JobStatus, number>>>>;
}

export interface JobNamespace {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): JobShardStub;
}

/** A job may be due at most a year ahead (delayMs is bounded the same way). */
export const MAX_JOB_DELAY_MS = 31_536_000_000;

const cursorOf = (job: JobView) => pageCursor(Date.parse(job.createdAt), job.id);
function parseCursor(cursor: string): { createdAt: number; id: string } {
  const { at, id } = parsePageCursor(cursor);
  return { createdAt: at, id };
}

/**
 * Submits and manages jobs from anywhere in the Worker (routes, task actions, event subscriptions).
 * Everything that can be checked without a shard is checked here first (type, input, options,
 * Idempotency-Key), so bad input never reaches a Durable Object and nothing is stored.
 */
export class JobClient {
  constructor(
    private readonly namespace: JobNamespace,
    private readonly registry: JobRegistry,
    /** Where reads look first: a job in a shard that was never created is 404 without creating it. */
    private readonly directory: Directory,
    private readonly seed = "",
  ) {}

  target(shard: number): ShardTarget {
    return { entityType: JOB_ENTITY_TYPE as EntityType, shardId: shard as ShardId, numShards: JOB_SHARDS, seed: this.seed };
  }

  #stub(shard: number): JobShardStub {
    return this.namespace.get(this.namespace.idFromName(`${JOB_ENTITY_TYPE}/${shard}`));
  }

  /** Validates a submit without storing it (task actions check at PUT time). */
  prepare(request: SubmitJob, idempotencyKey?: string, now = clock.now()): { shard: number; job: NewJob } {
    const definition = this.registry.require(request.type);
    assertDepth(request.input, `the input of job ${request.type}`);
    const input = this.registry.parseInput(request.type, request.input);
    const idem = idempotencyKey === undefined ? undefined : MessageIdSchema.safeParse(idempotencyKey);
    if (idem && !idem.success) throw validationError(idem.error, "Idempotency-Key", ["headers", "idempotency-key"]);
    const runAt = request.runAt === undefined ? now + (request.delayMs ?? 0) : typeof request.runAt === "number" ? request.runAt : Date.parse(request.runAt);
    if (runAt > now + MAX_JOB_DELAY_MS) throw new AppError("validation_failed", "runAt is more than a year away", { extra: { errors: [{ path: "runAt", message: "at most 365 days from now" }] } });
    // The Idempotency-Key routes first: its UNIQUE index is per shard, so every repeat of a key must
    // reach the one shard holding its job, whatever `key` the repeat carries.
    const shard = jobShard(idem?.data ?? request.key, this.seed);
    const job: NewJob = { id: newJobId(shard), type: definition.type, key: request.key ?? null, idempotencyKey: idem?.data ?? null, input, maxAttempts: request.maxAttempts ?? definition.maxAttempts, runAt };
    return { shard, job };
  }

  /** Stores a job (202 semantics): a repeated Idempotency-Key answers the first job with `duplicate: true`. */
  async submit(request: SubmitJob, idempotencyKey?: string): Promise<SubmittedJob> {
    const { shard, job } = this.prepare(request, idempotencyKey);
    return unwrap(await this.#stub(shard).submitJob(this.target(shard), job));
  }

  async get(id: string): Promise<JobDetail> {
    const shard = await this.#existing(id);
    const view = unwrap(await this.#stub(shard).jobView(this.target(shard), id));
    if (!view) throw new AppError("not_found", `no job '${id}'`);
    return view;
  }

  async cancel(id: string): Promise<JobView> {
    const shard = await this.#existing(id);
    return unwrap(await this.#stub(shard).cancelJob(this.target(shard), id));
  }

  async retry(id: string): Promise<JobView> {
    const shard = await this.#existing(id);
    return unwrap(await this.#stub(shard).retryJob(this.target(shard), id));
  }

  /** One page over every job shard that exists: asks each of them (at most 16) for `limit + 1` rows after the cursor, merges, keeps the first `limit`. */
  async list(query: JobListQuery): Promise<JobPage> {
    const after = query.cursor === undefined ? null : parseCursor(query.cursor);
    const filter = { status: query.status, type: query.type };
    const shards = await this.#shards();
    const pages = await Promise.all(shards.map(async (shard) => unwrap(await this.#stub(shard).listJobs(this.target(shard), filter, after, query.limit + 1))));
    const merged = pages.flat().sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const items = merged.slice(0, query.limit);
    const last = items.at(-1);
    return { items, nextCursor: merged.length > query.limit && last ? cursorOf(last) : null };
  }

  /** Jobs per status over every job shard that exists: one COUNT in each (at most 16 calls); every status is present. */
  async stats(): Promise<JobStats> {
    const counts = await Promise.all((await this.#shards()).map(async (shard) => unwrap(await this.#stub(shard).jobCounts(this.target(shard)))));
    const byStatus = Object.fromEntries(JobStatusSchema.options.map((status) => [status, counts.reduce((sum, c) => sum + (c[status] ?? 0), 0)]));
    return { byStatus: byStatus as JobStats["byStatus"] };
  }

  /** The job shards the directory lists (a read creates none). */
  async #shards(): Promise<number[]> {
    return (await this.directory.under("shard", `${JOB_ENTITY_TYPE}/`)).map((name) => Number(name.slice(JOB_ENTITY_TYPE.length + 1)));
  }

  /** The shard of a job id, once the directory says that shard exists (else 404). */
  async #existing(id: string): Promise<number> {
    const shard = shardOfJobId(id);
    if (shard === null) throw new AppError("not_found", `no job '${id}'`);
    await this.directory.require("shard", `${JOB_ENTITY_TYPE}/${shard}`, `no job '${id}'`);
    return shard;
  }
}

import { DurableObject } from "cloudflare:workers";

/** The polling baseline's tick: the pattern jobs replace (Effect's SQL queue polls every second). */
const POLL_MS = 1_000;

/**
 * The jobs baseline: a work table claimed by polling. Submit inserts a row; once per second the
 * object wakes (an alarm re-armed every second, as a poller would) and claims every pending row,
 * runs the same trivial work as `demo.echo` and marks it done.
 */
export class PollingJobs extends DurableObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS work (id TEXT PRIMARY KEY, input TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('pending', 'done')), created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, result TEXT)");
  }

  async submit(id: string, input: string): Promise<void> {
    this.ctx.storage.sql.exec("INSERT INTO work (id, input, status, created_at) VALUES (?, ?, 'pending', ?) ON CONFLICT (id) DO NOTHING", id, input, Date.now());
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + POLL_MS);
  }

  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const rows = sql.exec<{ id: string; input: string }>("SELECT id, input FROM work WHERE status = 'pending' ORDER BY created_at").toArray();
    for (const row of rows) {
      const started = Date.now();
      sql.exec("UPDATE work SET started_at = ? WHERE id = ?", started, row.id);
      sql.exec("UPDATE work SET status = 'done', finished_at = ?, result = ? WHERE id = ?", Date.now(), JSON.stringify({ echo: row.input }), row.id);
    }
    await this.ctx.storage.setAlarm(Date.now() + POLL_MS); // poll again in a second, work or not
  }

  result(): { id: string; startedAt: number | null; finishedAt: number | null }[] {
    return this.ctx.storage.sql.exec<{ id: string; started_at: number | null; finished_at: number | null }>("SELECT id, started_at, finished_at FROM work").toArray().map((r) => ({ id: r.id, startedAt: r.started_at, finishedAt: r.finished_at }));
  }

  async stop(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
  }
}

/** `/_bench/poll/{submit|result|stop}/{shard}` (admin): the baseline's routes. */
export async function pollingRoute(request: Request, env: { POLLING_JOBS: DurableObjectNamespace<PollingJobs>; ADMIN_TOKEN?: string }): Promise<Response | null> {
  const match = /^\/_bench\/poll\/(submit|result|stop)\/(\d+)$/.exec(new URL(request.url).pathname);
  if (!match || request.headers.get("authorization") !== `Bearer ${env.ADMIN_TOKEN}`) return null;
  const stub = env.POLLING_JOBS.get(env.POLLING_JOBS.idFromName(`poll/${match[2]}`));
  if (match[1] === "submit") {
    const { id, message } = await request.json<{ id: string; message: string }>();
    await stub.submit(id, message);
    return new Response(null, { status: 202 });
  }
  if (match[1] === "stop") return Response.json(await stub.stop());
  return Response.json(await stub.result());
}
